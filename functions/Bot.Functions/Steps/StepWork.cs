using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;

namespace Bot.Functions.Steps;

/// <summary>A step (or analysis round) on the <c>rollout-steps</c> queue: the <see cref="StepMessage"/> as
/// <see cref="StateJson"/>, the format that queue has always carried.</summary>
public sealed record StepWork(StepMessage Step) : IWorkMessage<StepWork>
{
    public string ToJson() => StateJson.Serialize(Step);

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static StepWork Parse(string text)
    {
        StepMessage? m;
        try { m = StateJson.Deserialize<StepMessage>(text); }
        catch (System.Text.Json.JsonException ex) { throw new FormatException($"not a step message ({ex.Message}): {Clip(text)}", ex); }
        if (m is null || string.IsNullOrWhiteSpace(m.Service) || string.IsNullOrWhiteSpace(m.RolloutId) || m.StepIndex < 0 || m.AnalysisRound < 1)
            throw new FormatException($"not a step message (it needs service, rolloutId and stepIndex >= 0): {Clip(text)}");
        return new StepWork(m);
    }

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

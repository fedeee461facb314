using System.Text.Json;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Functions.Steps;

/// <summary>What the <c>RolloutSteps</c> queue function (<see cref="Steps.RolloutStepsTrigger"/>) does: each message is a
/// <see cref="StepMessage"/> that becomes a <see cref="StepDue"/> for the executor. A stale step is a no-op; a
/// failure throws so the host (or the standalone listener) retries and finally poisons the message.</summary>
public sealed class RolloutStepsFunction(RolloutExecutor executor, ILogger<RolloutStepsFunction> log)
{
    public const string Name = "RolloutSteps";

    /// <summary>Does one step message; returns the outcome (logged). Throws when the step failed.</summary>
    public async Task<string> RunAsync(string text, CancellationToken ct)
    {
        var message = Parse(text);
        RolloutInput input = message.AnalysisRound is { } round
            ? new AnalysisDue(message.RolloutId, round) { By = Actor.Timer }
            : new StepDue(message.RolloutId, message.StepIndex) { By = Actor.Timer };
        var result = await executor.ExecuteAsync(message.Service, input, ct);
        foreach (var note in result.Notes) log.LogInformation("{Service}: {Note}", message.Service, note);
        var what = message.AnalysisRound is { } n ? $"analysis round {n}" : $"step {message.StepIndex}";
        var outcome = result.Decision.Refused is { } r
            ? $"{what} of {message.RolloutId} ignored: {r.Message}"
            : $"{what} of {message.RolloutId} done: {result.Rollout?.Phase.ToString() ?? "no rollout"}";
        log.LogInformation("{Outcome}", outcome);
        return outcome;
    }

    public static StepMessage Parse(string text)
    {
        StepMessage? m;
        try { m = JsonSerializer.Deserialize<StepMessage>(text, StateJson.Options); }
        catch (JsonException ex) { throw new FormatException($"{Name}: message is not a step message ({ex.Message}): {Truncate(text)}", ex); }
        if (m is null || string.IsNullOrWhiteSpace(m.Service) || string.IsNullOrWhiteSpace(m.RolloutId) || m.StepIndex < 0 || m.AnalysisRound < 1)
            throw new FormatException($"{Name}: message needs service, rolloutId and stepIndex >= 0: {Truncate(text)}");
        return m;
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

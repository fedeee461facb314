using System.Text.Json;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Invocations;

namespace Bot.Functions.Steps;

/// <summary>Queue trigger on the step queue (<c>RolloutSteps/function.json</c>): each message is a
/// <see cref="StepMessage"/> that becomes a <see cref="StepDue"/> for the executor. A stale step is a no-op; a
/// failure throws so the host (or the standalone listener) retries and finally poisons the message.</summary>
public sealed class RolloutStepsFunction(RolloutExecutor executor, ILogger<RolloutStepsFunction> log) : IFunctionHandler
{
    public const string Name = "RolloutSteps";
    public const string Binding = "msg";

    public string FunctionName => Name;

    public async Task<FunctionResult> InvokeAsync(FunctionInvocation invocation, CancellationToken ct)
    {
        var text = invocation.TextOf(Binding) ?? throw new FormatException($"{Name}: Data.{Binding} is missing");
        var message = Parse(text);
        var result = await executor.ExecuteAsync(message.Service, new StepDue(message.RolloutId, message.StepIndex) { By = Actor.Timer }, ct);
        foreach (var note in result.Notes) log.LogInformation("{Service}: {Note}", message.Service, note);
        var outcome = result.Decision.Refused is { } r
            ? $"step {message.StepIndex} of {message.RolloutId} ignored: {r.Message}"
            : $"step {message.StepIndex} of {message.RolloutId} done: {result.Rollout?.Phase.ToString() ?? "no rollout"}";
        log.LogInformation("{Outcome}", outcome);
        return FunctionResult.Done([.. result.Notes, outcome]);
    }

    public static StepMessage Parse(string text)
    {
        StepMessage? m;
        try { m = JsonSerializer.Deserialize<StepMessage>(text, StateJson.Options); }
        catch (JsonException ex) { throw new FormatException($"{Name}: message is not a step message ({ex.Message}): {Truncate(text)}", ex); }
        if (m is null || string.IsNullOrWhiteSpace(m.Service) || string.IsNullOrWhiteSpace(m.RolloutId) || m.StepIndex < 0)
            throw new FormatException($"{Name}: message needs service, rolloutId and stepIndex >= 0: {Truncate(text)}");
        return m;
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

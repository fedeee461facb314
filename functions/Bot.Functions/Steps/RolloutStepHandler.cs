using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;

namespace Bot.Functions.Steps;

/// <summary>Does what comes off the <c>rollout-steps</c> queue (<see cref="RolloutStepsTrigger"/>): each
/// <see cref="StepWork"/> becomes a <see cref="StepDue"/> (or an <see cref="AnalysisDue"/>) for the executor. A stale step
/// is a no-op; a failure throws so the queue retries and finally poisons the message.</summary>
public sealed class RolloutStepHandler(RolloutExecutor executor, ILogger<RolloutStepHandler> log) : IWorkHandler<StepWork>
{
    public async Task<string> HandleAsync(StepWork work, CancellationToken ct)
    {
        var message = work.Step;
        RolloutInput input = message.AnalysisRound is { } round
            ? new AnalysisDue(message.RolloutId, round) { By = Actor.Timer }
            : new StepDue(message.RolloutId, message.StepIndex) { By = Actor.Timer };
        var result = await executor.ExecuteAsync(message.Service, input, ct);
        foreach (var note in result.Notes) log.LogInformation("{Service}: {Note}", message.Service, note);
        var what = message.AnalysisRound is { } n ? $"analysis round {n}" : $"step {message.StepIndex}";
        return result.Decision.Refused is { } r
            ? $"{what} of {message.RolloutId} ignored: {r.Message}"
            : $"{what} of {message.RolloutId} done: {result.Rollout?.Phase.ToString() ?? "no rollout"}";
    }
}

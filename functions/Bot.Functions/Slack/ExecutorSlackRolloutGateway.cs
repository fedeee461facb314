using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Functions.Slack;

/// <summary>
/// <see cref="ISlackRolloutGateway"/> over the host's <see cref="RolloutExecutor"/>: rollouts are found as the command
/// API finds them (the archived copy by id, replaced by the live copy when it is the service's active or last finished
/// one), and inputs run through the executor, so Slack and the API share one path to the engine.
/// </summary>
public sealed class ExecutorSlackRolloutGateway(IRolloutStore store, RolloutExecutor executor) : ISlackRolloutGateway
{
    public async Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct)
    {
        var archived = await store.FindAsync(rolloutId, ct);
        if (archived is null) return null;
        var live = (await store.GetAsync(archived.Service, ct))?.Value;
        return Same(live?.Active, rolloutId) ?? Same(live?.LastFinished, rolloutId) ?? archived;
    }

    public async Task<SlackRolloutOutcome> ExecuteAsync(string service, RolloutInput input, CancellationToken ct)
    {
        ExecutionResult result;
        try
        {
            result = await executor.ExecuteAsync(service, input, ct);
        }
        catch (ConcurrencyConflictException e)
        {
            // Others kept changing the rollout; the user can simply try again.
            return new SlackRolloutOutcome(new Refusal(RefusalKind.Conflict, e.Message), null, null);
        }
        var id = RolloutIdOf(input);
        var rollout = id is null ? result.Rollout : Same(result.State.Active, id) ?? Same(result.State.LastFinished, id) ?? result.Rollout;
        return result.Decision.Refused is { } refused
            ? new SlackRolloutOutcome(refused, null, rollout)
            : new SlackRolloutOutcome(null, result.Message, rollout);
    }

    private static string? RolloutIdOf(RolloutInput input) => input switch
    {
        Approve a => a.RolloutId,
        Rollback r => r.RolloutId,
        Pause p => p.RolloutId,
        Resume r => r.RolloutId,
        Promote p => p.RolloutId,
        Abort a => a.RolloutId,
        _ => null,
    };

    private static RolloutState? Same(RolloutState? r, string id) => r is not null && r.Id == id ? r : null;
}

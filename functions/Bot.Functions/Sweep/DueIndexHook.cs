using Bot.Core.Calendar;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Sweep;

/// <summary>
/// Keeps the due index in step with rollout state. The executor calls it just before it commits a new state: the
/// row is written first, so a crash after the commit can never leave a due rollout unindexed (a commit that then
/// loses its ETag race leaves a spare row, which the sweep drops when it finds nothing due).
/// </summary>
public sealed class DueIndexHook(IDueIndex index, IOptions<DueSweepOptions> options)
{
    public async Task BeforeCommitAsync(ServiceState before, ServiceState after, CancellationToken ct)
    {
        foreach (var item in Changes(before, after, options.Value.ReminderInterval))
            await index.SetAsync(item, ct).ConfigureAwait(false);
    }

    /// <summary>The rows a transition adds: the next step time when it changed, and the first reminder when an
    /// approval wait begins. Old rows are not deleted here; the sweep drops them when they come due.</summary>
    public static IEnumerable<DueItem> Changes(ServiceState before, ServiceState after, TimeSpan reminderInterval)
    {
        if (after.Active is not { IsTerminal: false } r) yield break;
        var old = before.Active is { } b && b.Id == r.Id ? b : null;
        if (r.NextDueAt is { } due && (old is null || old.NextDueAt != due || old.StepIndex != r.StepIndex || old.Phase != r.Phase))
            yield return new DueItem(r.Service, r.Id, r.StepIndex, DueKind.Step, due);
        var startsWaiting = r.Phase == RolloutPhase.WaitingApproval
            && (old is null || old.Phase != RolloutPhase.WaitingApproval || old.StepIndex != r.StepIndex);
        if (startsWaiting && reminderInterval > TimeSpan.Zero)
            yield return new DueItem(r.Service, r.Id, r.StepIndex, DueKind.Reminder, (r.StepStartedAt ?? r.UpdatedAt) + reminderInterval);
    }
}

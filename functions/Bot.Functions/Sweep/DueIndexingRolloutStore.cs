using System.Collections.Concurrent;
using Bot.Core.Calendar;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Sweep;

/// <summary>
/// Wraps the rollout store so the due index follows every commit, whoever commits (executor, feedback rounds). Rows
/// are sent first and the commit right behind them, both awaited before the save returns: due work is never left
/// unindexed by a commit that returned, and a commit that loses its ETag race only leaves a spare row, which the sweep drops. Old rows are not deleted here; the sweep drops
/// them when they come due and no longer apply.
/// </summary>
public sealed class DueIndexingRolloutStore(IRolloutStore inner, IDueIndex index, TimeProvider time, IOptions<SweepOptions> options) : IRolloutStore
{
    // What was last indexed per service, to skip rewriting unchanged rows. Losing it (restart) only costs
    // idempotent rewrites: row keys and buckets are deterministic.
    private readonly ConcurrentDictionary<string, ServiceState> _last = new(StringComparer.Ordinal);

    public Task<Versioned<ServiceState>?> GetAsync(string service, CancellationToken ct) => inner.GetAsync(service, ct);

    public async Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct)
    {
        var before = _last.GetValueOrDefault(state.Service);
        // The index rows go out first and the commit right behind them, in parallel: one round trip instead of two on
        // every commit (an approve's traffic write waits for it). Both are awaited; a row that failed is written again
        // before this returns, and its failure fails the save like the commit's own would.
        var items = Changes(before, state, options.Value.ReminderInterval, time.GetUtcNow() + options.Value.OverdueGrace).ToList();
        var rows = items.Select(item => index.SetAsync(item, ct)).ToList();
        var commit = inner.SaveAsync(state, etag, ct);
        try
        {
            await Task.WhenAll(rows).ConfigureAwait(false);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // A committed state must not go unindexed; a lost race leaves a spare row, which the sweep drops.
            await commit.ConfigureAwait(false);
            foreach (var item in items) await index.SetAsync(item, ct).ConfigureAwait(false);
        }
        var saved = await commit.ConfigureAwait(false);
        _last[state.Service] = state;
        return saved;
    }

    public Task ArchiveAsync(RolloutState rollout, CancellationToken ct) => inner.ArchiveAsync(rollout, ct);

    public Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct) => inner.FindAsync(rolloutId, ct);

    public Task<IReadOnlyList<RolloutState>> ListAsync(string service, int max, CancellationToken ct) => inner.ListAsync(service, max, ct);

    /// <summary>
    /// The rows a transition needs: the next step time when it changed; the first reminder when an approval wait
    /// begins; and a reconcile row when effects are pending with no step message to carry them (e.g. a rollback's
    /// traffic change), due at <paramref name="reconcileAt"/>.
    /// </summary>
    public static IEnumerable<DueItem> Changes(ServiceState? before, ServiceState after, TimeSpan reminderInterval, DateTimeOffset reconcileAt)
    {
        var r = after.Active is { IsTerminal: false } a ? a : null;
        if (after.Pending.Count > 0 && r?.NextDueAt is null
            && after.Pending.Any(e => e is not Notify and not AuditEntry))
        {
            var id = after.Pending[0].RolloutId;
            yield return new DueItem(after.Service, id, r?.StepIndex ?? 0, DueKind.Reconcile, reconcileAt);
        }
        if (r is null) yield break;
        var old = before?.Active is { } b && b.Id == r.Id ? b : null;
        if (r.NextDueAt is { } due && (old is null || old.NextDueAt != due || old.StepIndex != r.StepIndex || old.Phase != r.Phase))
            yield return new DueItem(r.Service, r.Id, r.StepIndex, DueKind.Step, due);
        if (r.Analysis is { NextAt: { } measureAt } run && (old?.Analysis?.NextAt != measureAt || old.Analysis.Round != run.Round))
            yield return new DueItem(r.Service, r.Id, run.Round, DueKind.Analysis, measureAt);
        var startsWaiting = r.Phase == RolloutPhase.WaitingApproval
            && (old is null || old.Phase != RolloutPhase.WaitingApproval || old.StepIndex != r.StepIndex);
        if (startsWaiting && reminderInterval > TimeSpan.Zero)
            yield return new DueItem(r.Service, r.Id, r.StepIndex, DueKind.Reminder, (r.StepStartedAt ?? r.UpdatedAt) + reminderInterval);
    }
}

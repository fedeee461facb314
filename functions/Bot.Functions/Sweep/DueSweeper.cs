using System.Collections.Concurrent;
using Bot.Core.Calendar;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Sweep;

/// <summary>
/// The timer's work: read only the due rows of the index, check each against the rollout's state, and
/// <list type="bullet">
/// <item>enqueue again a step message that is overdue by more than the grace (a lost message; the engine's step
/// handling is idempotent per step index, so a message that was only late runs nothing twice). Approval deadlines,
/// window openings and cron slots are step messages too: the engine applies onTimeout and announces it;</item>
/// <item>send approval reminders with a countdown through the engine (<see cref="RemindApprovers"/>: decided, noticed and
/// audited like every input), and index the next one;</item>
/// <item>drop rows that no longer apply.</item>
/// </list>
/// </summary>
public sealed class DueSweeper(
    IDueIndex index, IRolloutStore store, IStepScheduler scheduler, RolloutExecutor executor, TimeProvider time,
    IOptions<SweepOptions> options)
{
    public async Task<SweepReport> RunAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var due = await index.ListDueAsync(now, o.MaxItems, ct).ConfigureAwait(false);
        var lines = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        int requeued = 0, reminded = 0, dropped = 0, waiting = 0;

        await Parallel.ForEachAsync(due.GroupBy(d => d.Service, StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Parallelism), CancellationToken = ct },
            async (group, token) =>
            {
                try
                {
                    var state = (await store.GetAsync(group.Key, token).ConfigureAwait(false))?.Value;
                    foreach (var item in group.OrderBy(i => i.DueAt))
                    {
                        var outcome = item.Kind switch
                        {
                            DueKind.Step => await StepAsync(item, state?.Active, now, o, token).ConfigureAwait(false),
                            DueKind.Analysis => await AnalysisAsync(item, state?.Active, now, o, token).ConfigureAwait(false),
                            DueKind.Reminder => await ReminderAsync(item, now, o, token).ConfigureAwait(false),
                            _ => await ReconcileAsync(item, state, token).ConfigureAwait(false),
                        };
                        switch (outcome.Kind)
                        {
                            case Outcome.Requeued: Interlocked.Increment(ref requeued); break;
                            case Outcome.Reminded: Interlocked.Increment(ref reminded); break;
                            case Outcome.Dropped: Interlocked.Increment(ref dropped); break;
                            default: Interlocked.Increment(ref waiting); break;
                        }
                        if (outcome.Line is { } line) lines.Enqueue(line);
                    }
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    failures.Enqueue($"{group.Key}: {e.Message}");
                }
            }).ConfigureAwait(false);

        return new SweepReport(due.Count, requeued, reminded, dropped, waiting, [.. lines], [.. failures]);
    }

    private enum Outcome { Requeued, Reminded, Dropped, Waiting }

    private async Task<(Outcome Kind, string? Line)> StepAsync(DueItem item, RolloutState? r, DateTimeOffset now, SweepOptions o, CancellationToken ct)
    {
        // The row applies while the rollout still waits for this time or an earlier one; a later NextDueAt has its own row.
        // A paused rollout runs nothing until resumed, and resume schedules (and indexes) its step again.
        if (r is null || r.IsTerminal || r.Id != item.RolloutId || r.Phase == RolloutPhase.Paused || r.NextDueAt is not { } next || next > item.DueAt)
        {
            await index.RemoveAsync(item, ct).ConfigureAwait(false);
            return (Outcome.Dropped, null);
        }
        if (item.DueAt + o.OverdueGrace > now) return (Outcome.Waiting, null);

        // Remove first, then index "now" before enqueueing: if this message is lost too, the next sweep after the grace retries.
        await index.RemoveAsync(item, ct).ConfigureAwait(false);
        await index.SetAsync(item with { StepIndex = r.StepIndex, DueAt = now }, ct).ConfigureAwait(false);
        await scheduler.ScheduleAsync(new StepMessage(r.Service, r.Id, r.StepIndex), now, ct).ConfigureAwait(false);
        return (Outcome.Requeued, $"{r.Id}: step {r.StepIndex + 1} was due at {Stamp(next)}; message enqueued again");
    }

    /// <summary>An analysis round whose message was lost: enqueued again while the rollout still waits for that round.</summary>
    private async Task<(Outcome Kind, string? Line)> AnalysisAsync(DueItem item, RolloutState? r, DateTimeOffset now, SweepOptions o, CancellationToken ct)
    {
        if (r is null || r.IsTerminal || r.Id != item.RolloutId || r.Analysis is not { NextAt: { } next } a || a.Round != item.StepIndex || next > item.DueAt)
        {
            await index.RemoveAsync(item, ct).ConfigureAwait(false);
            return (Outcome.Dropped, null);
        }
        if (item.DueAt + o.OverdueGrace > now) return (Outcome.Waiting, null);
        await index.RemoveAsync(item, ct).ConfigureAwait(false);
        await index.SetAsync(item with { DueAt = now }, ct).ConfigureAwait(false);
        await scheduler.ScheduleAsync(new StepMessage(r.Service, r.Id, r.StepIndex, a.Round), now, ct).ConfigureAwait(false);
        return (Outcome.Requeued, $"{r.Id}: analysis round {a.Round} was due at {Stamp(next)}; message enqueued again");
    }

    private async Task<(Outcome Kind, string? Line)> ReconcileAsync(DueItem item, ServiceState? state, CancellationToken ct)
    {
        if (state is { Pending.Count: > 0 })
        {
            var result = await executor.ReconcileAsync(item.Service, ct).ConfigureAwait(false);
            await index.RemoveAsync(item, ct).ConfigureAwait(false);
            return (Outcome.Requeued, $"{item.Service}: applied {result?.Applied.Count ?? 0} effect(s) an interrupted run left pending");
        }
        await index.RemoveAsync(item, ct).ConfigureAwait(false);
        return (Outcome.Dropped, null);
    }

    /// <summary>The reminder is an engine input (<see cref="RemindApprovers"/>, by the timer): the engine decides whether it
    /// still applies and records it (notice + <c>remind</c> audit record); the sweep only indexes the next one.</summary>
    private async Task<(Outcome Kind, string? Line)> ReminderAsync(DueItem item, DateTimeOffset now, SweepOptions o, CancellationToken ct)
    {
        await index.RemoveAsync(item, ct).ConfigureAwait(false);
        if (o.ReminderInterval <= TimeSpan.Zero) return (Outcome.Dropped, null);
        var result = await executor.ExecuteAsync(item.Service, new RemindApprovers(item.RolloutId, item.StepIndex) { By = Actor.Timer }, ct).ConfigureAwait(false);
        if (result.Decision.Effects.Count == 0) return (Outcome.Dropped, null);

        var nextAt = item.DueAt + o.ReminderInterval;
        while (nextAt <= now) nextAt += o.ReminderInterval; // after downtime, one reminder, not a burst
        if (result.State.Active?.NextDueAt is not { } deadline || nextAt < deadline)
            await index.SetAsync(item with { DueAt = nextAt }, ct).ConfigureAwait(false);
        return (Outcome.Reminded, result.Decision.Message);
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

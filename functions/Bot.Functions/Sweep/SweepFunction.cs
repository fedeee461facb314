using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Sweep;

/// <summary>What the <c>Sweep</c> timer (<see cref="Sweep.SweepTrigger"/>) does: for every configured service, applies effects an interrupted
/// run left pending, and runs a step whose message is overdue by more than <see cref="SweepOptions.OverdueGrace"/>.
/// Every <see cref="SweepOptions.OrphanScanInterval"/> it also looks for orphaned canary traffic (<see cref="Orphans.OrphanGuard"/>).
/// One service failing does not stop the others; the run fails at the end if any did.</summary>
public sealed class SweepFunction(
    IReleaseConfigs configs, IRolloutStore store, RolloutExecutor executor, TimeProvider time,
    IOptions<SweepOptions> options, ILogger<SweepFunction> log, Sweep.DueSweeper? dueSweeper = null,
    Orphans.OrphanGuard? orphans = null)
{

    public const string Name = "Sweep";

    /// <summary>One sweep; returns what it did (logged). Throws at the end when any service failed.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var logs = new List<string>();
        var failures = new List<string>();
        if (dueSweeper is not null)
        {
            // With the due index (AddCi), only due work is read: no walk over every service.
            var report = await dueSweeper.RunAsync(ct);
            logs.Add($"sweep: {report.Due} due, {report.Requeued} re-enqueued/reconciled, {report.Reminded} reminded, {report.Dropped} dropped, {report.Waiting} within grace");
            logs.AddRange(report.Lines);
            failures.AddRange(report.Failures);
        }
        else foreach (var config in await configs.ListAsync(ct))
        {
            try
            {
                if (await executor.ReconcileAsync(config.Service, ct) is { } reconciled)
                    logs.Add($"{config.Service}: applied {reconciled.Applied.Count} pending effect(s)");
                var state = (await store.GetAsync(config.Service, ct))?.Value;
                if (state?.Active is { NextDueAt: { } due } active && due + options.Value.OverdueGrace <= time.GetUtcNow())
                {
                    var result = await executor.ExecuteAsync(config.Service, new StepDue(active.Id, active.StepIndex) { By = Actor.Timer, Reason = "overdue step re-run by the sweep" }, ct);
                    logs.Add($"{config.Service}: overdue step {active.StepIndex} of {active.Id} run: {result.Decision.Refused?.Message ?? result.Rollout?.Phase.ToString()}");
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                failures.Add($"{config.Service}: {ex.Message}");
                log.LogError(ex, "sweep of {Service} failed", config.Service);
            }
        }
        if (orphans is not null)
        {
            try
            {
                // After the due work, so a rollback an interrupted run left pending is applied before it could look orphaned.
                if (await orphans.ScanIfDueAsync(ct) is { } scan) logs.AddRange(scan.Lines);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The guard reports; it never fails the sweep (overdue steps and rollbacks matter more). Next interval retries.
                log.LogWarning(ex, "orphan scan failed");
            }
        }
        foreach (var l in logs) log.LogInformation("{Sweep}", l);
        if (failures.Count > 0) throw new InvalidOperationException("sweep failed for " + string.Join("; ", failures));
        return logs;
    }
}

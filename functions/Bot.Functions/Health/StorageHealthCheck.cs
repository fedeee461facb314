using Bot.Adapters.Storage;
using Bot.Functions.Hosting;
using Bot.Functions.Steps;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Functions.Health;

/// <summary>Storage is reachable when the queue and table endpoints answer an authenticated request. A missing queue
/// or table still proves reachability (they are created on first use).</summary>
public sealed class StorageHealthCheck(IQueueService queues, ITableService tables, StorageOptions storage, WorkQueue<StepWork> steps) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await Probe(() => queues.PeekAsync(steps.Queue, 1, cts.Token));
            await Probe(() => tables.QueryPageAsync(storage.RolloutsTable, null, 1, null, cts.Token));
            return HealthCheckResult.Healthy("queue and table endpoints answer");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy($"storage unreachable: {ex.Message}");
        }
    }

    private static async Task Probe(Func<Task> call)
    {
        try { await call(); }
        catch (StorageException ex) when (ex.IsNotFound) { }
    }
}

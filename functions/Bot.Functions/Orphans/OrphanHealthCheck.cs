using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Functions.Orphans;

/// <summary>The <c>orphans</c> entry of <c>/api/health</c>: Degraded (the answer stays 200) while the sweep's last scans
/// found orphaned canary traffic, listing each route (service, VirtualService, route, weights, since when) under <c>data.orphans</c>.</summary>
public sealed class OrphanHealthCheck(OrphanRegistry registry) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<OrphanedRoute> orphans;
        try
        {
            orphans = await registry.ListAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded($"the orphan list could not be read: {ex.Message}");
        }
        if (orphans.Count == 0) return HealthCheckResult.Healthy("no orphaned canary traffic");
        var data = new Dictionary<string, object>
        {
            ["orphans"] = orphans.Select(o => new OrphanView(o.Service, o.VirtualService, o.Route, o.Cluster,
                new WeightsView(o.Stable, o.Canary), o.RecordedCanary is { } c ? new WeightsView(o.RecordedStable ?? 100 - c, c) : null,
                o.Since, o.LastSeen, o.ReportedAt)).ToList(),
        };
        return HealthCheckResult.Degraded(
            $"{orphans.Count} route(s) with canary traffic and no rollout: {string.Join("; ", orphans.Select(o => o.Describe()))}. " +
            "Return each to stable with /release restore <service> (or POST /api/services/<service>/restore), or start a rollout.",
            data: data);
    }

    public sealed record WeightsView(int Stable, int Canary);

    /// <param name="Recorded">The weights in the bot's annotation.</param>
    public sealed record OrphanView(string Service, string VirtualService, string Route, string? Cluster, WeightsView Weights, WeightsView? Recorded,
        DateTimeOffset Since, DateTimeOffset LastSeen, DateTimeOffset? ReportedAt);
}

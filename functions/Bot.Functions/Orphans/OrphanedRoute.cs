using Bot.Core.Ports;

namespace Bot.Functions.Orphans;

/// <summary>A route with the bot's weights and canary traffic but no rollout: what the sweep found, since when, and
/// whether the service's channel was told.</summary>
/// <param name="VirtualService">The VirtualService as <c>namespace/name</c>.</param>
/// <param name="Since">When a scan first found it (it stays orphaned until restored or a rollout takes over).</param>
/// <param name="LastSeen">The latest scan that found it.</param>
/// <param name="ReportedAt">When the service's channel was told; null until then (no channel, or Slack off or failing).</param>
public sealed record OrphanedRoute(
    string Service, string? Cluster, string VirtualService, string Route, int Stable, int Canary, int? RecordedStable, int? RecordedCanary,
    DateTimeOffset Since, DateTimeOffset LastSeen, DateTimeOffset? ReportedAt = null)
{
    public static OrphanedRoute Found(string service, TrafficTarget target, RouteReading reading, DateTimeOffset now) => new(
        service, target.Cluster, $"{target.Namespace}/{target.Route.VirtualService}", target.Route.RouteName,
        reading.Stable, reading.Canary, reading.RecordedStable, reading.RecordedCanary, now, now);

    /// <summary>"checkout: VirtualService shop/checkout route 'primary' at stable 90 / canary 10 since 2026-12-01 16:30:00Z".</summary>
    public string Describe() =>
        $"{Service}: VirtualService {VirtualService} route '{Route}' at stable {Stable} / canary {Canary} since {Stamp(Since)}";

    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

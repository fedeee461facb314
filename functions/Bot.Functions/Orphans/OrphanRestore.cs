using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Functions.Orphans;

/// <summary>
/// Returns a service's orphaned canary traffic to stable for <see cref="CommandPipeline"/> (which found the config and
/// authorized: whoever may roll the service back): read the route, then let the engine decide (<see cref="RestoreTraffic"/>:
/// refused while a rollout is active or when there is nothing to restore) and apply the router's rollback and the audit
/// record through the executor. A restored route leaves the <see cref="OrphanRegistry"/>.
/// </summary>
public sealed class OrphanRestore(ITrafficInspector? inspector, IRolloutRunner executor, OrphanRegistry registry) : ITrafficRestore
{
    public async Task<RestoreOutcome> RestoreAsync(ReleaseConfig config, Actor by, string? reason, CancellationToken ct)
    {
        var service = config.Service;
        if (inspector is null)
            return Refuse(RefusalKind.Conflict, "this bot's traffic router cannot read routes, so restore is off; return the traffic with kubectl");

        var target = TrafficTarget.For(config);
        RouteReading reading;
        try
        {
            reading = await inspector.ReadAsync(target, ct);
        }
        catch (RouteCheckFailedException e)
        {
            return Refuse(RefusalKind.Conflict, $"cannot read the route: {e.Message}");
        }

        var result = await executor.ExecuteAsync(service, new RestoreTraffic(target, reading) { By = by, Reason = reason }, ct);
        if (result.Decision.Refused is { } refused) return new RestoreOutcome(false, refused.Message, refused);
        if (!result.Applied.Any(e => e is RollbackTraffic))
        {
            var why = result.Notes.LastOrDefault(n => n.Contains("RollbackTraffic", StringComparison.Ordinal)) ?? string.Join("; ", result.Notes);
            return new RestoreOutcome(false, $"{service}: the cluster did not accept the restore ({why}); the traffic is still at {reading}: try again, or restore it with kubectl");
        }
        await registry.RemoveAsync(service, ct);
        return new RestoreOutcome(true, result.Decision.Message ?? $"{service}: traffic restored to stable");
    }

    private static RestoreOutcome Refuse(RefusalKind kind, string message) => new(false, message, new Refusal(kind, message));
}

using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>
/// Moves a route's traffic between the stable and canary subsets. Implementations are idempotent: setting the
/// weight already in place writes nothing. Every write takes a <see cref="TrafficFence"/> (null: unfenced, the route's sequence is
/// kept) and refuses, without writing, one older than the route's last write: it returns <see cref="TrafficWriteOutcome.Stale"/>.
/// </summary>
public interface ITrafficRouter
{
    /// <summary>Checks the objects, route and subsets exist. Throws <see cref="RouteCheckFailedException"/> saying what is missing.</summary>
    Task VerifyAsync(TrafficTarget target, CancellationToken ct);

    /// <summary>Sets canary to <paramref name="canaryWeight"/> percent (0-100) and stable to the rest.
    /// Throws <see cref="TrafficDriftException"/> when someone else changed the weights since the bot last wrote them.</summary>
    Task<TrafficWriteResult> SetWeightAsync(TrafficTarget target, int canaryWeight, TrafficFence? fence, CancellationToken ct);

    /// <summary>Adds (or with null, removes) a header-match route to the canary before the weighted route.</summary>
    Task<TrafficWriteResult> SetHeaderRouteAsync(TrafficTarget target, HeaderRouteStep? match, TrafficFence? fence, CancellationToken ct);

    /// <summary>Mirrors <paramref name="percent"/> of traffic to the canary; null or 0 removes the mirror.</summary>
    Task<TrafficWriteResult> SetMirrorAsync(TrafficTarget target, double? percent, TrafficFence? fence, CancellationToken ct);

    /// <summary>Puts Istio fault injection (abort and/or delay) on the route that carries the canary; null removes it. Only the
    /// bot's own fault is replaced or removed.</summary>
    Task<TrafficWriteResult> SetFaultAsync(TrafficTarget target, FaultStep? fault, TrafficFence? fence, CancellationToken ct);

    /// <summary>Canary weight 0, header, mirror and fault removed, canary scaled down when configured. Allowed from drift,
    /// still fenced against older writes.</summary>
    Task<TrafficWriteResult> RollbackAsync(TrafficTarget target, TrafficFence? fence, CancellationToken ct);
}

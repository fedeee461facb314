using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>Where a service's traffic is routed: cluster context, namespace and the route.</summary>
public sealed record TrafficTarget(string? Cluster, string Namespace, RouteSpec Route, DeploymentSpec? Deployments = null)
{
    public static TrafficTarget For(ReleaseConfig c) => new(c.Cluster, c.Namespace, c.Route, c.Deployments);
}

/// <summary>What a traffic write expects to replace: the <see cref="Sequence"/> decided by <c>RolloutMachine.Decide</c> (monotonic per
/// service, kept in <c>ServiceState.TrafficSequence</c>) and the canary weight the state believes is live. The router keeps the sequence
/// of the last applied write next to the weights on the route; a write with a lower sequence is stale and is dropped, the same
/// sequence again is idempotent.</summary>
/// <param name="Sequence">1, 2, 3, … per service; a route that never carried one (old annotation, never written) counts as 0.</param>
/// <param name="ExpectedCanary">The canary weight the deciding state believed live (drift check when the route has no record).</param>
public sealed record TrafficFence(long Sequence, int? ExpectedCanary = null);

public enum TrafficWriteOutcome
{
    /// <summary>The route was written (weights, routes or just the sequence).</summary>
    Applied,
    /// <summary>Nothing to write: the route already is as asked, with this sequence (a re-applied effect).</summary>
    Unchanged,
    /// <summary>Dropped: the route carries a newer write (<see cref="TrafficWriteResult.LiveSequence"/>) than this one. Nothing was written.</summary>
    Stale,
}

/// <summary>What a traffic write did. <see cref="LiveSequence"/> is the route's sequence after the call.</summary>
public sealed record TrafficWriteResult(TrafficWriteOutcome Outcome, long LiveSequence, string? Message = null)
{
    public bool IsStale => Outcome == TrafficWriteOutcome.Stale;
}

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

/// <summary>Sets Deployment images and reports readiness (kubectl's rollout rules).</summary>
public interface IDeploymentController
{
    Task SetCanaryImageAsync(TrafficTarget target, string image, CancellationToken ct);
    Task<DeploymentReadiness> GetCanaryReadinessAsync(TrafficTarget target, CancellationToken ct);
    /// <summary>Moves the stable Deployment to <paramref name="image"/>; readiness is then polled with <see cref="GetStableReadinessAsync"/>.</summary>
    Task SetStableImageAsync(TrafficTarget target, string image, CancellationToken ct);
    Task<DeploymentReadiness> GetStableReadinessAsync(TrafficTarget target, CancellationToken ct);
    Task ScaleCanaryAsync(TrafficTarget target, int replicas, CancellationToken ct);
}

public enum ReadinessState { Ready, Progressing, Failed }

public sealed record DeploymentReadiness(ReadinessState State, string Message);

/// <summary>A precondition failed: nothing was changed. The message says what is missing and where.</summary>
public sealed class RouteCheckFailedException(string message) : Exception(message);

/// <summary>The live weights differ from what the bot last wrote. Nothing was overwritten.</summary>
public sealed class TrafficDriftException(string message, int expectedCanary, int liveCanary) : Exception(message)
{
    public int ExpectedCanary { get; } = expectedCanary;
    public int LiveCanary { get; } = liveCanary;
}

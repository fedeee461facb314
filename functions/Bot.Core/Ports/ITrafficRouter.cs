using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>Where a service's traffic is routed: cluster context, namespace and the route.</summary>
public sealed record TrafficTarget(string? Cluster, string Namespace, RouteSpec Route, DeploymentSpec? Deployments = null)
{
    public static TrafficTarget For(ReleaseConfig c) => new(c.Cluster, c.Namespace, c.Route, c.Deployments);
}

/// <summary>
/// Moves a route's traffic between the stable and canary subsets. Implementations are idempotent: setting the
/// weight already in place writes nothing.
/// </summary>
public interface ITrafficRouter
{
    /// <summary>Checks the objects, route and subsets exist. Throws <see cref="RouteCheckFailedException"/> saying what is missing.</summary>
    Task VerifyAsync(TrafficTarget target, CancellationToken ct);

    /// <summary>Sets canary to <paramref name="canaryWeight"/> percent (0-100) and stable to the rest.
    /// Throws <see cref="TrafficDriftException"/> when someone else changed the weights since the bot last wrote them.</summary>
    Task SetWeightAsync(TrafficTarget target, int canaryWeight, CancellationToken ct);

    /// <summary>Adds (or with null, removes) a header-match route to the canary before the weighted route.</summary>
    Task SetHeaderRouteAsync(TrafficTarget target, HeaderRouteStep? match, CancellationToken ct);

    /// <summary>Mirrors <paramref name="percent"/> of traffic to the canary; null or 0 removes the mirror.</summary>
    Task SetMirrorAsync(TrafficTarget target, double? percent, CancellationToken ct);

    /// <summary>Canary weight 0, header and mirror routes removed, canary scaled down when configured.</summary>
    Task RollbackAsync(TrafficTarget target, CancellationToken ct);
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

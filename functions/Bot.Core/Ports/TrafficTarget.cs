using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>Where a service's traffic is routed: cluster context, namespace and the route.</summary>
public sealed record TrafficTarget(string? Cluster, string Namespace, RouteSpec Route, DeploymentSpec? Deployments = null)
{
    public static TrafficTarget For(ReleaseConfig c) => new(c.Cluster, c.Namespace, c.Route, c.Deployments);
}

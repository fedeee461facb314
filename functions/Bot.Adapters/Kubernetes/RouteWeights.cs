namespace Bot.Adapters.Kubernetes;

/// <summary>A route's weights, percent (0-100) each.</summary>
public readonly record struct RouteWeights(int Stable, int Canary)
{
    public override string ToString() => $"stable {Stable} / canary {Canary}";
}

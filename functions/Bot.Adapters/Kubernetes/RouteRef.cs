namespace Bot.Adapters.Kubernetes;

/// <summary>The route the bot edits inside a VirtualService's <c>spec.http</c>, and the subsets it moves traffic between.</summary>
/// <param name="Host">Destination host of the subsets; null matches destinations by subset only and uses the stable destination's host for new ones.</param>
public sealed record RouteRef(string RouteName, string? Host, string StableSubset, string CanarySubset)
{
    /// <summary>Name of the header-match route the bot inserts before <see cref="RouteName"/>.</summary>
    public string HeaderRouteName => RouteName + "-release-bot-header";
}

namespace Bot.Adapters.Kubernetes;

/// <summary>A namespaced resource type the bot reads or patches. <see cref="Version"/> null means: discovered (Istio).</summary>
public sealed record KubernetesResource(string Group, string? Version, string Plural, string Kind)
{
    public static readonly KubernetesResource VirtualService = new("networking.istio.io", null, "virtualservices", "VirtualService");
    public static readonly KubernetesResource DestinationRule = new("networking.istio.io", null, "destinationrules", "DestinationRule");
    public static readonly KubernetesResource Deployment = new("apps", "v1", "deployments", "Deployment");

    /// <summary>As RBAC and error messages spell it, e.g. <c>virtualservices.networking.istio.io</c>.</summary>
    public string FullName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

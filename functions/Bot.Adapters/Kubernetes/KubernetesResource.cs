namespace Bot.Adapters.Kubernetes;

/// <summary>A namespaced resource type the bot reads or patches (the Istio version is discovered per cluster; Deployments are apps/v1).</summary>
public sealed record KubernetesResource(string Group, string Plural, string Kind)
{
    public static readonly KubernetesResource VirtualService = new("networking.istio.io", "virtualservices", "VirtualService");
    public static readonly KubernetesResource DestinationRule = new("networking.istio.io", "destinationrules", "DestinationRule");
    public static readonly KubernetesResource Deployment = new("apps", "deployments", "Deployment");

    /// <summary>As RBAC and error messages spell it, e.g. <c>virtualservices.networking.istio.io</c>.</summary>
    public string FullName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

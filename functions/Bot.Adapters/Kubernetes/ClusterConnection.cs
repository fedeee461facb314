using System.Security.Cryptography.X509Certificates;

namespace Bot.Adapters.Kubernetes;

/// <summary>Everything needed to talk to one cluster, resolved from a kubeconfig context or the in-cluster service account.</summary>
public sealed record ClusterConnection
{
    /// <summary>The kubeconfig context name, or <c>in-cluster</c>.</summary>
    public required string ContextName { get; init; }
    public required Uri Server { get; init; }
    /// <summary>Trust anchors for the server certificate; empty means the machine's trust store.</summary>
    public X509Certificate2Collection CaCertificates { get; init; } = [];
    /// <summary>Skip server certificate validation (kubeconfig <c>insecure-skip-tls-verify</c>); logged as a warning.</summary>
    public bool InsecureSkipTlsVerify { get; init; }
    /// <summary>SNI / expected name of the server certificate when it differs from the URL's host.</summary>
    public string? TlsServerName { get; init; }
    /// <summary>Static client certificate (with private key), if the user has one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }
    /// <summary>Bearer token or exec-plugin source; null when only a client certificate authenticates.</summary>
    public IKubernetesCredentials? Credentials { get; init; }
    /// <summary>Default namespace of the context (or the service account's namespace).</summary>
    public string? Namespace { get; init; }
}

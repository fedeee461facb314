using System.Security.Cryptography.X509Certificates;

namespace Bot.Adapters.Kubernetes;

/// <summary>Supplies the credentials of one cluster user; implementations cache and refresh them (token files rotate, exec
/// credentials expire).</summary>
public interface IKubernetesCredentials
{
    /// <summary>The bearer token to send, or null when none applies.</summary>
    ValueTask<string?> GetTokenAsync(CancellationToken ct);

    /// <summary>A client certificate obtained at run time (exec plugins), or null.</summary>
    X509Certificate2? GetClientCertificate() => null;

    /// <summary>Drops a cached credential after the server answered 401, so the next call fetches a fresh one.</summary>
    void Invalidate() { }
}

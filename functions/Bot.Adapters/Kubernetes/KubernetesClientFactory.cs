using Bot.Adapters.Http;
using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Adapters.Kubernetes;

/// <summary>One <see cref="KubernetesClient"/> (and connection pool) per cluster context, created on first use and cached.</summary>
public sealed class KubernetesClientFactory : IDisposable
{
    private readonly KubernetesOptions _options;
    private readonly KubeConfigLoader _loader;
    private readonly ILoggerFactory _logs;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<KubernetesClient>> _clients = new();

    /// <param name="environment">Reads environment variables (KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT); tests pass their own.</param>
    public KubernetesClientFactory(KubernetesOptions options, TimeProvider time, ILoggerFactory? logs = null, Func<string, string?>? environment = null)
    {
        _options = options;
        _loader = new KubeConfigLoader(options, time, environment);
        _logs = logs ?? NullLoggerFactory.Instance;
        _time = time;
    }

    /// <summary>The client for kubeconfig context <paramref name="context"/> (null: current context, or in-cluster).</summary>
    public KubernetesClient GetClient(string? context)
    {
        var lazy = _clients.GetOrAdd(context ?? "", _ => new Lazy<KubernetesClient>(() => Create(_loader.Load(context))));
        try { return lazy.Value; }
        catch
        {
            _clients.TryRemove(new KeyValuePair<string, Lazy<KubernetesClient>>(context ?? "", lazy)); // a fixed kubeconfig works next time
            throw;
        }
    }

    private KubernetesClient Create(ClusterConnection c)
    {
        var log = _logs.CreateLogger<KubernetesClient>();
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = _options.RequestTimeout,
        };
        if (c.TlsServerName is { Length: > 0 } sni) handler.SslOptions.TargetHost = sni;
        if (c.InsecureSkipTlsVerify)
        {
            log.LogWarning("Kubernetes context {Context}: insecure-skip-tls-verify is set; the API server's certificate is NOT checked", c.ContextName);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (c.CaCertificates.Count > 0)
        {
            var roots = c.CaCertificates;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, chain, errors) => ValidateAgainst(roots, cert, chain, errors);
        }
        if (c.ClientCertificate is not null || c.Credentials is ExecCredentials)
        {
            var creds = c.Credentials;
            var fixedCert = c.ClientCertificate;
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => fixedCert ?? creds?.GetClientCertificate()!;
        }
        var http = new HttpClient(handler) { BaseAddress = c.Server, Timeout = Timeout.InfiniteTimeSpan };
        return new KubernetesClient(http, c, _options, log, _time);
    }

    /// <summary>Server certificate check against the cluster's CA only (not the machine store), host name included.</summary>
    internal static bool ValidateAgainst(X509Certificate2Collection roots, X509Certificate? cert, X509Chain? presented, SslPolicyErrors errors)
    {
        if (cert is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
            foreach (var element in presented.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        using var leaf = new X509Certificate2(cert);
        return chain.Build(leaf);
    }

    public void Dispose()
    {
        foreach (var lazy in _clients.Values)
            if (lazy.IsValueCreated) lazy.Value.Http.Dispose();
        _clients.Clear();
    }
}

using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Bot.Adapters.Prometheus;

/// <summary>One <see cref="PrometheusClient"/> per trust root: the system's, or a service's private CA (<c>analysis.prometheus.caFile</c>,
/// a PEM bundle), whose certificates alone are then trusted for that server.</summary>
public sealed class PrometheusClients(TimeSpan timeout) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(HttpClient Http, PrometheusClient Client)>> _clients = new(StringComparer.Ordinal);

    public PrometheusClient For(string? caFile)
    {
        var key = caFile ?? "";
        var lazy = _clients.GetOrAdd(key, k => new(() => Create(k)));
        try
        {
            return lazy.Value.Client;
        }
        catch (PrometheusException)
        {
            _clients.TryRemove(new KeyValuePair<string, Lazy<(HttpClient, PrometheusClient)>>(key, lazy)); // a fixed file is read again next time
            throw;
        }
    }

    private (HttpClient, PrometheusClient) Create(string caFile)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (caFile.Length > 0)
        {
            X509Certificate2Collection roots;
            try
            {
                roots = [];
                roots.ImportFromPemFile(caFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new PrometheusException($"analysis.prometheus.caFile {caFile} could not be read as PEM certificates ({e.Message}); fix the path or the file");
            }
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    if (certificate is null || chain is null) return false;
                    if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Clear();
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            };
        }
        var http = new HttpClient(handler) { Timeout = timeout };
        return (http, new PrometheusClient(http));
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) if (c.IsValueCreated) c.Value.Http.Dispose();
    }
}

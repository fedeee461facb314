using System.Collections.Concurrent;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Adapters.Kubernetes;

/// <summary>One <see cref="KubernetesCluster"/> (an SDK <see cref="IKubernetes"/> and its connection pool) per cluster context,
/// created on first use and cached. Every client gets the bot's retry policy (<see cref="KubernetesRetryHandler"/>) and, where the
/// token can rotate, a refresh after a 401 (<see cref="KubernetesTokenRefreshHandler"/>).</summary>
public sealed class KubernetesClientFactory : IDisposable
{
    private readonly KubernetesOptions _options;
    private readonly KubeConfigLoader _loader;
    private readonly ILoggerFactory _logs;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<KubernetesCluster>> _clients = new();

    /// <param name="environment">Reads environment variables (KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT); tests pass their own.</param>
    public KubernetesClientFactory(KubernetesOptions options, TimeProvider time, ILoggerFactory? logs = null, Func<string, string?>? environment = null)
    {
        _options = options;
        _loader = new KubeConfigLoader(options, time, environment);
        _logs = logs ?? NullLoggerFactory.Instance;
        _time = time;
    }

    /// <summary>The client for kubeconfig context <paramref name="context"/> (null: current context, or in-cluster).</summary>
    public KubernetesCluster GetClient(string? context)
    {
        var lazy = _clients.GetOrAdd(context ?? "", _ => new Lazy<KubernetesCluster>(() => Create(context)));
        try { return lazy.Value; }
        catch
        {
            _clients.TryRemove(new KeyValuePair<string, Lazy<KubernetesCluster>>(context ?? "", lazy)); // a fixed kubeconfig works next time
            throw;
        }
    }

    private KubernetesCluster Create(string? context)
    {
        // Here, not in the constructor: the SDK loads with the first client, never on an acknowledgement path. It keeps the
        // exec-plugin timeout in one static setting.
        KubernetesClientConfiguration.ExecTimeout = _options.ExecTimeout;
        var c = _loader.Load(context);
        var log = _logs.CreateLogger<KubernetesCluster>();
        var config = c.Configuration;
        if (config.SkipTlsVerify)
            log.LogWarning("Kubernetes context {Context}: insecure-skip-tls-verify is set; the API server's certificate is NOT checked", c.ContextName);
        var sni = config.TlsServerName;
        config.FirstMessageHandlerSetup = handler =>
        {
            handler.PooledConnectionLifetime = TimeSpan.FromMinutes(5);
            handler.ConnectTimeout = _options.RequestTimeout;
            if (sni is { Length: > 0 }) handler.SslOptions.TargetHost = sni; // the SDK sets only the Host header
            // An exec plugin's certificate, asked for at each handshake (a kubeconfig's static certificate, set by the SDK, wins).
            if (c.Tokens is ExecPluginTokenProvider exec)
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => exec.ClientCertificate()!;
        };
        DelegatingHandler[] handlers = c.Tokens is { } tokens
            ? [new KubernetesRetryHandler(_options, _time, log, c.ContextName), new KubernetesTokenRefreshHandler(tokens)]
            : [new KubernetesRetryHandler(_options, _time, log, c.ContextName)];
        return new KubernetesCluster(new k8s.Kubernetes(config, handlers), c.ContextName, config.Namespace);
    }

    public void Dispose()
    {
        foreach (var lazy in _clients.Values)
            if (lazy.IsValueCreated) lazy.Value.Api.Dispose();
        _clients.Clear();
    }
}

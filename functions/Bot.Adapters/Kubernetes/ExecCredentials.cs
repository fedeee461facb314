using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Adapters.Kubernetes;

/// <summary>Runs a kubeconfig exec credential plugin (<c>client.authentication.k8s.io/v1</c> or <c>v1beta1</c>) and caches
/// what it prints until its <c>expirationTimestamp</c> (or until the server answers 401 when it has none).</summary>
public sealed class ExecCredentials : IKubernetesCredentials
{
    public static readonly IReadOnlyList<string> SupportedApiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

    private readonly ExecPluginConfig _config;
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly object _gate = new();
    private Cached? _cached;

    private sealed record Cached(string? Token, X509Certificate2? Certificate, DateTimeOffset? Expires);

    public ExecCredentials(ExecPluginConfig config, TimeProvider time, TimeSpan timeout)
    {
        if (!SupportedApiVersions.Contains(config.ApiVersion))
            throw new KubeConfigException(config.File, config.Field + ".apiVersion",
                $"'{config.ApiVersion}' is not supported; use one of {string.Join(", ", SupportedApiVersions)}");
        _config = config;
        _time = time;
        _timeout = timeout;
    }

    /// <summary>How many times the plugin ran (tests check the cache with it).</summary>
    public int Runs { get; private set; }

    public ValueTask<string?> GetTokenAsync(CancellationToken ct) => ValueTask.FromResult(Current().Token);

    public X509Certificate2? GetClientCertificate() => Current().Certificate;

    /// <summary>Forgets the cached credential, e.g. after a 401.</summary>
    public void Invalidate() { lock (_gate) _cached = null; }

    // Synchronous on purpose: the TLS client-certificate callback cannot await, and the plugin runs rarely (on expiry).
    private Cached Current()
    {
        lock (_gate)
        {
            if (_cached is { } c && (c.Expires is null || c.Expires > _time.GetUtcNow())) return c;
            _cached = Run();
            return _cached;
        }
    }

    private Cached Run()
    {
        var psi = new ProcessStartInfo(_config.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in _config.Args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in _config.Env) psi.Environment[k] = v;
        var spec = new JsonObject { ["interactive"] = false };
        if (_config.ClusterInfo is { } info) spec["cluster"] = info.DeepClone();
        psi.Environment["KUBERNETES_EXEC_INFO"] = new JsonObject
        {
            ["apiVersion"] = _config.ApiVersion,
            ["kind"] = "ExecCredential",
            ["spec"] = spec,
        }.ToJsonString();

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            var hint = _config.InstallHint is { Length: > 0 } h ? " " + h.Trim() : "";
            throw new KubeConfigException(_config.File, _config.Field + ".command", $"cannot run '{_config.Command}': {e.Message}.{hint}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(_timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new KubeConfigException(_config.File, _config.Field + ".command", $"'{_config.Command}' did not finish within {_timeout.TotalSeconds:0}s");
            }
            Runs++;
            if (process.ExitCode != 0)
                throw new KubeConfigException(_config.File, _config.Field + ".command",
                    $"'{_config.Command}' exited with code {process.ExitCode}: {Truncate(stderr.Result)}");
            return Parse(stdout.Result);
        }
    }

    private Cached Parse(string output)
    {
        string field = _config.Field + ".command";
        JsonObject o;
        try { o = JsonNode.Parse(output) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException e) { throw new KubeConfigException(_config.File, field, $"the plugin's output is not an ExecCredential JSON object: {e.Message}"); }

        if ((string?)o["apiVersion"] != _config.ApiVersion)
            throw new KubeConfigException(_config.File, _config.Field + ".apiVersion",
                $"the plugin answered apiVersion '{(string?)o["apiVersion"]}' but the kubeconfig asks for '{_config.ApiVersion}'; they must be equal");
        if ((string?)o["kind"] != "ExecCredential")
            throw new KubeConfigException(_config.File, field, $"the plugin answered kind '{(string?)o["kind"]}', expected 'ExecCredential'");
        if (o["status"] is not JsonObject status)
            throw new KubeConfigException(_config.File, field, "the plugin's ExecCredential has no status");

        DateTimeOffset? expires = null;
        if ((string?)status["expirationTimestamp"] is { Length: > 0 } exp)
            expires = DateTimeOffset.TryParse(exp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var e)
                ? e
                : throw new KubeConfigException(_config.File, field, $"status.expirationTimestamp '{exp}' is not an RFC 3339 time");

        string? token = (string?)status["token"];
        X509Certificate2? cert = null;
        if ((string?)status["clientCertificateData"] is { Length: > 0 } certPem)
        {
            if ((string?)status["clientKeyData"] is not { Length: > 0 } keyPem)
                throw new KubeConfigException(_config.File, field, "status.clientCertificateData is set but status.clientKeyData is missing");
            cert = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        if (token is null && cert is null)
            throw new KubeConfigException(_config.File, field, "the plugin's status has neither token nor clientCertificateData");
        return new Cached(token, cert, expires);
    }

    private static string Truncate(string s) => s.Length <= 300 ? s.Trim() : s[..300] + "…";
}

/// <summary>A kubeconfig <c>users[].user.exec</c> block, with where it came from for error messages.</summary>
public sealed record ExecPluginConfig(
    string File,
    string Field,
    string ApiVersion,
    string Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? InstallHint,
    JsonObject? ClusterInfo);

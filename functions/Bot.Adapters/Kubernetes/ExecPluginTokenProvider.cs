using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using k8s;
using k8s.KubeConfigModels;

namespace Bot.Adapters.Kubernetes;

/// <summary>A kubeconfig exec credential plugin (<c>client.authentication.k8s.io/v1</c> or <c>v1beta1</c>), run by the SDK
/// (<see cref="KubernetesClientConfiguration.ExecuteExternalCommand"/>), its answer cached until its <c>expirationTimestamp</c>
/// on the injected clock, or until the server answers 401 when it has none.</summary>
/// <remarks>The SDK's own <c>ExecTokenProvider</c> is not used: it runs the plugin a second time right after the configuration
/// ran it, reads the wall clock, and cannot be invalidated after a 401.</remarks>
public sealed partial class ExecPluginTokenProvider : IRefreshableTokenProvider
{
    public static readonly IReadOnlyList<string> SupportedApiVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

    private readonly ExternalExecution _exec;
    private readonly string _file;
    private readonly string _field;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private Cached? _cached;

    private sealed record Cached(ExecCredentialResponse Response, X509Certificate2? Certificate);

    /// <param name="file">The kubeconfig file and <paramref name="field"/> (e.g. <c>users[0].user.exec</c>) errors name.</param>
    public ExecPluginTokenProvider(ExternalExecution exec, string file, string field, TimeProvider time)
    {
        if (!SupportedApiVersions.Contains(exec.ApiVersion))
            throw new KubeConfigException(file, field + ".apiVersion",
                $"'{exec.ApiVersion}' is not supported; use one of {string.Join(", ", SupportedApiVersions)}");
        _exec = exec;
        _file = file;
        _field = field;
        _time = time;
    }

    /// <summary>Runs the plugin now unless a current answer is cached (the first client does, so a broken plugin fails there).</summary>
    public void Prime() => Current();

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Current().Response.Status.Token is { Length: > 0 } token ? new AuthenticationHeaderValue("Bearer", token) : null!);

    /// <summary>The client certificate the plugin gave (<c>clientCertificateData</c>/<c>clientKeyData</c>), or null; asked at every
    /// TLS handshake, so a renewed certificate is used on new connections.</summary>
    public X509Certificate2? ClientCertificate() => Current().Certificate;

    // Synchronous on purpose: the TLS client-certificate callback cannot await, and the plugin runs rarely (on expiry).
    private Cached Current()
    {
        lock (_gate)
        {
            if (_cached is { } c && (c.Response.Status.ExpirationTimestamp is not { } exp || Utc(exp) > _time.GetUtcNow())) return c;
            var response = Run();
            _cached = new Cached(response, Certificate(response.Status));
            return _cached;
        }
    }

    private X509Certificate2? Certificate(ExecCredentialResponse.ExecStatus status)
    {
        if (status.ClientCertificateData is not { Length: > 0 } certPem) return null;
        if (status.ClientKeyData is not { Length: > 0 } keyPem)
            throw new KubeConfigException(_file, _field + ".command", "status.clientCertificateData is set but status.clientKeyData is missing");
        try { return X509Certificate2.CreateFromPem(certPem, keyPem); }
        catch (CryptographicException e) { throw new KubeConfigException(_file, _field + ".command", $"the plugin's certificate and key do not load as a pair: {e.Message}"); }
    }

    public void Invalidate()
    {
        lock (_gate) _cached = null;
    }

    private ExecCredentialResponse Run()
    {
        try
        {
            return KubernetesClientConfiguration.ExecuteExternalCommand(_exec);
        }
        catch (k8s.Exceptions.KubeConfigException e)
        {
            // The SDK words every failure as one message (with the inner exception's text); name the field it is about.
            if (ApiVersionMismatch().Match(e.Message) is { Success: true } m)
                throw new KubeConfigException(_file, _field + ".apiVersion",
                    $"the plugin answered apiVersion '{m.Groups[1].Value}' but the kubeconfig asks for '{m.Groups[2].Value}'; they must be equal");
            var hint = _exec.InstallHint is { Length: > 0 } h ? " " + h.Trim() : "";
            var first = e.Message.Split('\n')[0].Trim();
            throw new KubeConfigException(_file, _field + ".command", $"'{_exec.Command}' gave no usable credential: {first}.{hint}");
        }
    }

    private static DateTimeOffset Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => new DateTimeOffset(t, TimeSpan.Zero),
        DateTimeKind.Local => new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero),
        _ => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc), TimeSpan.Zero),
    };

    [GeneratedRegex(@"api version (\S*) does not match (\S+)")]
    private static partial Regex ApiVersionMismatch();
}

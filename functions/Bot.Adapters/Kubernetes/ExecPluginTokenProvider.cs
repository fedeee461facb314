using System.Net.Http.Headers;
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
    private ExecCredentialResponse? _cached;

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

    /// <summary>The plugin's current answer (token and/or client certificate), running it when none is cached or it expired.</summary>
    public ExecCredentialResponse Current()
    {
        lock (_gate)
        {
            if (_cached is { } c && (c.Status.ExpirationTimestamp is not { } exp || Utc(exp) > _time.GetUtcNow())) return c;
            _cached = Run();
            return _cached;
        }
    }

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new AuthenticationHeaderValue("Bearer", Current().Status.Token));

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

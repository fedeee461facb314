using System.Net.Http.Headers;

namespace Bot.Adapters.Kubernetes;

/// <summary>A bearer token read from a file and re-read every <see cref="KubernetesOptions.TokenRefreshInterval"/>: projected
/// service-account tokens rotate underneath a running pod.</summary>
internal sealed class TokenFileTokenProvider(string path, string field, TimeSpan refresh, TimeProvider time) : IRefreshableTokenProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _readAt;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken) =>
        new("Bearer", await TokenAsync(cancellationToken).ConfigureAwait(false));

    private async Task<string> TokenAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_token is { } cached && now - _readAt < refresh) return cached;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_token is { } again && now - _readAt < refresh) return again;
            string text;
            try { text = (await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)).Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new KubeConfigException(path, field, $"cannot read the token file: {e.Message}");
            }
            if (text.Length == 0) throw new KubeConfigException(path, field, "the token file is empty");
            _token = text;
            _readAt = now;
            return text;
        }
        finally { _gate.Release(); }
    }

    public void Invalidate() => _token = null;
}

using System.Net;

namespace Bot.Adapters.Kubernetes;

/// <summary>After a 401, drops the cached token (a rotated service-account token, an exec credential revoked before its expiry)
/// and sends the request once more with a fresh one. The SDK set the rejected header before the request reached this handler.</summary>
internal sealed class KubernetesTokenRefreshHandler(IRefreshableTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized) return response;
        response.Dispose();
        tokens.Invalidate();
        request.Headers.Authorization = await tokens.GetAuthenticationHeaderAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}

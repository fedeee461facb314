using k8s.Authentication;

namespace Bot.Adapters.Kubernetes;

/// <summary>A bearer-token source the bot can refresh after the API server answered 401 (<see cref="KubernetesTokenRefreshHandler"/>).
/// The SDK's own providers (<c>TokenFileAuth</c>, <c>ExecTokenProvider</c>) read the wall clock and cannot be told a token was
/// rejected, so the bot keeps these two.</summary>
public interface IRefreshableTokenProvider : ITokenProvider
{
    /// <summary>Drops the cached token, so the next request fetches a fresh one.</summary>
    void Invalidate();
}

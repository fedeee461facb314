using System.Net;

namespace Bot.Adapters.Slack;

/// <summary>A Slack Web API call failed: <c>ok:false</c> with Slack's error code (<c>channel_not_found</c>,
/// <c>invalid_auth</c>, <c>message_not_found</c>, …), a 429 that outlasted the retries, or a transport failure.</summary>
public sealed class SlackApiException(string method, string error, HttpStatusCode status, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"Slack {method} failed: {error}", inner)
{
    /// <summary>The Web API method, e.g. <c>chat.update</c>, or <c>response_url</c>.</summary>
    public string Method { get; } = method;
    /// <summary>Slack's error code, or <c>http_&lt;status&gt;</c> / <c>timeout</c> when Slack gave none.</summary>
    public string Error { get; } = error;
    public HttpStatusCode Status { get; } = status;
    /// <summary>What Slack asked us to wait before retrying (429 only).</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsRateLimited => Status == HttpStatusCode.TooManyRequests || Error is "ratelimited" or "rate_limited";
    public bool IsAuthError => Error is "not_authed" or "invalid_auth" or "account_inactive" or "token_revoked";
    public bool IsNotFound => Error is "channel_not_found" or "message_not_found" or "user_not_found";
}

using Bot.Adapters.Http;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Bot.Adapters.GitHub;

/// <summary>
/// GitHub's rate-limit rules (protocols.md §5.3), as a pure function of one answer. Primary limit (403/429 with
/// <c>x-ratelimit-remaining: 0</c>): wait until <c>x-ratelimit-reset</c>. Secondary limit (403/429 saying "secondary
/// rate limit", or any 429): honour <c>retry-after</c>, else the reset when remaining is 0, else 60 s doubling per attempt.
/// </summary>
public static class GitHubRateLimit
{
    public static readonly TimeSpan SecondaryBackoff = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait before retrying, or null when the answer is not a rate limit.</summary>
    /// <param name="attempt">0 for the first retry.</param>
    public static TimeSpan? RetryDelay(HttpStatusCode status, HttpResponseHeaders headers, string? body, DateTimeOffset now, int attempt)
    {
        if (status is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)) return null;
        var remainingZero = Header(headers, "x-ratelimit-remaining") == "0";
        var secondary = body?.Contains("secondary rate limit", StringComparison.OrdinalIgnoreCase) == true;
        var retryAfter = RetryAfterHeader.Delay(headers, now);
        if (!secondary && !remainingZero && retryAfter is null && status == HttpStatusCode.Forbidden) return null; // a permission 403
        if (retryAfter is { } ra) return ra;
        if (remainingZero && long.TryParse(Header(headers, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - now;
            // One extra second: the reset instant is rounded down to whole seconds.
            return wait > TimeSpan.Zero ? wait + TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1);
        }
        return SecondaryBackoff * Math.Pow(2, Math.Min(attempt, 6));
    }

    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;
}

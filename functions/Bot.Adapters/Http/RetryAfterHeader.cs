using System.Net.Http.Headers;

namespace Bot.Adapters.Http;

/// <summary>Reads <c>Retry-After</c> (seconds or an HTTP date) the same way for every vendor client. Each client keeps
/// its own policy on top (caps, a default when absent).</summary>
public static class RetryAfterHeader
{
    /// <summary>The wait the header asks for, measured from <paramref name="now"/> for a date; never negative;
    /// null when the header is absent.</summary>
    public static TimeSpan? Delay(HttpResponseHeaders? headers, DateTimeOffset now) => headers?.RetryAfter switch
    {
        { Delta: { } d } => d < TimeSpan.Zero ? TimeSpan.Zero : d,
        { Date: { } at } => at > now ? at - now : TimeSpan.Zero,
        _ => null,
    };
}

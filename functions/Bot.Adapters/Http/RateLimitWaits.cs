namespace Bot.Adapters.Http;

/// <summary>
/// Whether the vendor clients (Slack, GitHub) may wait out a rate limit inside the call. By default they do (up to their
/// caps). Work that can reschedule itself, such as the notifications queue, opens <see cref="Suspend"/> around its
/// calls: a 429 or secondary rate limit then fails at once with the wait the vendor asked for
/// (<c>SlackApiException.RetryAfter</c>, <c>GitHubApiException.RetryAfter</c>), and the caller makes the message
/// visible again after it, instead of holding a thread for the wait.
/// </summary>
public static class RateLimitWaits
{
    private static readonly AsyncLocal<bool> Suspended = new();

    /// <summary>True inside a <see cref="Suspend"/> scope (it flows with the async call chain).</summary>
    public static bool AreSuspended => Suspended.Value;

    /// <summary>Until disposed, rate limits are not waited for in this async flow.</summary>
    public static IDisposable Suspend()
    {
        var previous = Suspended.Value;
        Suspended.Value = true;
        return new Restore(previous);
    }

    private sealed class Restore(bool previous) : IDisposable
    {
        public void Dispose() => Suspended.Value = previous;
    }
}

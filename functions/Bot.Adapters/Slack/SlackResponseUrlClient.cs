using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Bot.Adapters.Slack;

/// <summary>
/// Replies through a <c>response_url</c> (no token: the URL is the credential). Slack allows 5 uses within 30
/// minutes per URL; <see cref="TryPostAsync"/> keeps count and returns false once the budget is spent or expired, so
/// the caller can fall back to <c>chat.postEphemeral</c>/<c>chat.update</c>.
/// </summary>
public sealed class SlackResponseUrlClient(HttpClient http, TimeProvider time)
{
    public const int MaxUses = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, Budget> _budgets = new();

    /// <summary>Posts <paramref name="response"/>; false when the URL's budget is spent (nothing sent).
    /// Throws <see cref="SlackApiException"/> with Slack's answer (e.g. <c>expired_url</c>, <c>used_url</c>) on failure.</summary>
    public async Task<bool> TryPostAsync(Uri responseUrl, SlackResponse response, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Prune(now);
        var budget = _budgets.GetOrAdd(responseUrl.AbsoluteUri, _ => new Budget(now));
        if (!budget.TryUse(now)) return false;

        using var request = new HttpRequestMessage(HttpMethod.Post, responseUrl)
        {
            Content = new StringContent(response.ToJson().ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var answer = await http.SendAsync(request, ct);
        if (answer.IsSuccessStatusCode) return true;
        var text = (await answer.Content.ReadAsStringAsync(ct)).Trim();
        throw new SlackApiException("response_url", text.Length is > 0 and < 100 ? text : $"http_{(int)answer.StatusCode}", answer.StatusCode,
            answer.StatusCode == HttpStatusCode.TooManyRequests ? answer.Headers.RetryAfter?.Delta : null);
    }

    private void Prune(DateTimeOffset now)
    {
        if (_budgets.Count < 1024) return;
        foreach (var (url, b) in _budgets)
        {
            if (now - b.FirstUse > Lifetime) _budgets.TryRemove(url, out _);
        }
    }

    private sealed class Budget(DateTimeOffset firstUse)
    {
        private int _uses;
        public DateTimeOffset FirstUse { get; } = firstUse;

        public bool TryUse(DateTimeOffset now) =>
            now - FirstUse <= Lifetime && Interlocked.Increment(ref _uses) <= MaxUses;
    }
}

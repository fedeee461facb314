using System.ComponentModel.DataAnnotations;

namespace Bot.Adapters.Slack;

/// <summary>Slack app settings, bound from the <c>Slack</c> configuration section (app settings <c>Slack__*</c>).</summary>
public sealed class SlackOptions
{
    public const string Section = "Slack";

    /// <summary>Bot token (<c>xoxb-…</c>) sent as <c>Authorization: Bearer</c> on Web API calls. Never logged.</summary>
    [Required]
    public string BotToken { get; set; } = "";

    /// <summary>The app's signing secret, used to verify <c>X-Slack-Signature</c> on inbound requests. Never logged.</summary>
    [Required]
    public string SigningSecret { get; set; } = "";

    /// <summary>Web API base address. The default value is <c>https://slack.com/api/</c>.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://slack.com/api/");

    /// <summary>Largest accepted clock skew of <c>X-Slack-Request-Timestamp</c>. The default value is 5 minutes (Slack's rule).</summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one Web API attempt. The default value is 10 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after a 5xx, a timeout, a network error or a 429. The default value is 3.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay after a 5xx or timeout (exponential, jittered). The default value is 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A 429 whose <c>Retry-After</c> is longer than this is not waited for: the call fails with
    /// <see cref="SlackApiException.IsRateLimited"/>. The default value is 30 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long user-group members (<c>usergroups.users.list</c>) are cached. The default value is 5 minutes.</summary>
    public TimeSpan UserGroupCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>User-group handles used in release configs mapped to their Slack IDs, e.g. <c>sre → S0614TZR7</c>
    /// (Slack resolves members by ID only). Entries in configs may also name the ID (<c>S…</c>) directly.</summary>
    public Dictionary<string, string> UserGroups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long inbound delivery ids (retries, repeated clicks) are remembered, in the state of the service they
    /// acted on. The default value is 1 hour.</summary>
    public TimeSpan DedupTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a command or click is worked on before Slack is answered (Slack waits 3 seconds): work done by then
    /// needs no queue; longer work is put on <c>slack-work</c>, answered "working on it" and finished there. The default
    /// value is 1.5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:02.5")]
    public TimeSpan AnswerBudget { get; set; } = TimeSpan.FromSeconds(1.5);
}

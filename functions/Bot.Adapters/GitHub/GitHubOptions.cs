using System.ComponentModel.DataAnnotations;

namespace Bot.Adapters.GitHub;

/// <summary>
/// GitHub settings, bound from the <c>GitHub</c> configuration section (app settings <c>GitHub__AppId</c>, ...).
/// Give either an app (<see cref="AppId"/> or <see cref="ClientId"/> plus a private key) or a personal <see cref="Token"/>.
/// </summary>
public sealed class GitHubOptions
{
    public const string Section = "GitHub";

    /// <summary>REST API root. The default value is <c>https://api.github.com/</c>; GitHub Enterprise Server uses
    /// <c>https://HOST/api/v3/</c>.</summary>
    [Required]
    public string BaseUrl { get; set; } = "https://api.github.com/";

    /// <summary>Numeric app ID, used as the JWT <c>iss</c> when <see cref="ClientId"/> is not set.</summary>
    public string? AppId { get; set; }

    /// <summary>The app's client ID (<c>Iv1…</c>); GitHub recommends it as the JWT <c>iss</c>. Wins over <see cref="AppId"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The app's private key as PEM text (PKCS#1 <c>BEGIN RSA PRIVATE KEY</c> or PKCS#8 <c>BEGIN PRIVATE KEY</c>).</summary>
    public string? PrivateKey { get; set; }

    /// <summary>Path to the PEM file, when <see cref="PrivateKey"/> is not given inline.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>A personal access token, for simple setups without an app. Check runs cannot be created with it.</summary>
    public string? Token { get; set; }

    /// <summary>The webhook secret: <c>X-Hub-Signature-256</c> is an HMAC-SHA256 of the raw body with it. Required to accept webhooks.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Sent on every call; GitHub rejects calls without one. The default value is <c>release-bot</c>.</summary>
    [Required]
    public string UserAgent { get; set; } = "release-bot";

    /// <summary>The default value is <c>2022-11-28</c>.</summary>
    [Required]
    public string ApiVersion { get; set; } = "2022-11-28";

    /// <summary>Longest wait for a primary rate-limit reset before failing the call. The default value is 15 minutes.</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Retries after a secondary rate limit. The default value is 3.</summary>
    [Range(0, 10)]
    public int MaxRateLimitRetries { get; set; } = 3;

    /// <summary>Path of the release config inside a repository, relative to its root (<see cref="IsRepoPath"/>). The default
    /// value is <c>.releasebot.yaml</c>.</summary>
    public string ConfigFile { get; set; } = ".releasebot.yaml";

    /// <summary>True when <paramref name="path"/> can be read through the contents API as it is: <c>/</c>-separated names,
    /// none empty, <c>.</c> or <c>..</c>, and no character a URL would read differently (<c>#</c>, <c>?</c>, <c>%</c>,
    /// <c>\</c>): the client puts the path into the request URL unescaped.</summary>
    public static bool IsRepoPath(string? path) =>
        !string.IsNullOrWhiteSpace(path) && path.IndexOfAny(['#', '?', '%', '\\']) < 0
        && path.Split('/').All(name => name.Length > 0 && name != "." && name != ".." && name.Trim() == name);

    /// <summary>Teams (<c>org/team-slug</c>) whose members may command rollouts from PR comments, besides
    /// collaborators with write, maintain or admin permission. The default value is empty.</summary>
    public List<string> CommandTeams { get; set; } = [];

    /// <summary>How long a delivery id is remembered for dedup, in the state of the service it acted on. The default value
    /// is 7 days (GitHub allows redelivery for 3).</summary>
    public TimeSpan DeliveryTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long a delivery is worked on before GitHub is answered (GitHub waits 10 seconds): work done by then
    /// needs no queue; longer work is put on <c>github-work</c> and finished there. The default value is 3 seconds.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:00:08")]
    public TimeSpan AnswerBudget { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>GitHub deployment environment per service; <c>{service}</c> is replaced. The default value is
    /// <c>production/{service}</c> (one environment per service, so a success only retires that service's deployments).</summary>
    public string DeploymentEnvironment { get; set; } = "production/{service}";

    public bool HasApp => (!string.IsNullOrWhiteSpace(AppId) || !string.IsNullOrWhiteSpace(ClientId))
                          && (!string.IsNullOrWhiteSpace(PrivateKey) || !string.IsNullOrWhiteSpace(PrivateKeyPath));

    public bool HasToken => !string.IsNullOrWhiteSpace(Token);

    /// <summary>The JWT issuer: the client ID when set, else the app ID.</summary>
    public string? Issuer => !string.IsNullOrWhiteSpace(ClientId) ? ClientId : AppId;
}

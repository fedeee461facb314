namespace Bot.Functions.Ci;

/// <summary>Authentication of <c>POST /api/ci</c>. Bound from the <c>Ci</c> configuration section. With neither a
/// secret nor a token set, every CI request is refused (401).</summary>
public sealed class CiOptions
{
    public const string Section = "Ci";

    /// <summary>Shared secret for HMAC-SHA256 signatures (<c>X-Releasebot-Signature</c> over
    /// <c>{timestamp}.{raw body}</c>). Null disables signed requests. App setting <c>Ci__SigningSecret</c>.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Bearer token accepted in <c>Authorization: Bearer …</c>. Null disables bearer auth. App setting <c>Ci__Token</c>.</summary>
    public string? Token { get; set; }

    /// <summary>How far <c>X-Releasebot-Timestamp</c> may be from the bot's clock, either way. The default value is 5 minutes.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a build id is remembered for deduplication. The default value is 7 days.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Who the CI credentials (the secret and the token) are: the actor recorded in audit and matched by the
    /// services' <c>deployers</c>. App setting <c>Ci__Name</c>. The default value is <c>ci</c>.</summary>
    public string Name { get; set; } = "ci";

    /// <summary>Who the CI credentials stand for in release configs: a Slack user ID, a GitHub login or an <c>@group</c>
    /// handle; <c>deployers</c> match it as well as <see cref="Name"/>. App setting <c>Ci__Identity</c>. The default value is null.</summary>
    public string? Identity { get; set; }

    /// <summary>The actor an authenticated CI request acts as.</summary>
    public Bot.Core.Rollouts.Actor Actor() => new(Name, Name, "ci") { Identity = string.IsNullOrWhiteSpace(Identity) ? null : Identity.Trim() };
}

namespace Bot.Functions.Ci;

/// <summary>Authentication of <c>POST /api/ci</c>. Bound from the <c>Ci</c> configuration section. With neither a
/// secret nor a token set, every CI request is refused (401).</summary>
public sealed class CiOptions
{
    /// <summary>Shared secret for HMAC-SHA256 signatures (<c>X-Releasebot-Signature</c> over
    /// <c>{timestamp}.{raw body}</c>). Null disables signed requests. App setting <c>Ci__SigningSecret</c>.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Bearer token accepted in <c>Authorization: Bearer …</c>. Null disables bearer auth. App setting <c>Ci__Token</c>.</summary>
    public string? Token { get; set; }

    /// <summary>How far <c>X-Releasebot-Timestamp</c> may be from the bot's clock, either way. The default value is 5 minutes.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a build id is remembered for deduplication. The default value is 7 days.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromDays(7);
}

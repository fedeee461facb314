using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bot.Adapters.Pages;

/// <summary>
/// Signed, expiring links to the rollout and service pages: HMAC-SHA256 with a <see cref="PageOptions.Keys"/> secret over
/// the page kind, its subject (rollout id or service) and the expiry, the key id in the link so keys can rotate. Checked in
/// constant time; a link for one page never opens another.
/// </summary>
public sealed class PageLinks(IOptions<PageOptions> options)
{
    public const string RolloutKind = "rollout", ServiceKind = "service";

    private readonly PageOptions _o = options.Value;
    private readonly Dictionary<string, byte[]> _keys = options.Value.Keys.ToDictionary(k => k.Id, k => Encoding.UTF8.GetBytes(k.Secret), StringComparer.Ordinal);

    /// <summary>True when links can be made (a base URL and a signing key).</summary>
    public bool Enabled => _o.BaseUrl is { Length: > 0 } && _o.Keys.Count > 0;

    /// <summary>The rollout page link, valid for <see cref="PageOptions.LinkLifetime"/> from <paramref name="now"/>; null when
    /// links are off.</summary>
    public Uri? Rollout(string rolloutId, DateTimeOffset now) => Link(RolloutKind, rolloutId, now + _o.LinkLifetime);

    /// <summary>The service page link; null when links are off.</summary>
    public Uri? Service(string service, DateTimeOffset now) => Link(ServiceKind, service, now + _o.LinkLifetime);

    /// <summary>The query (<c>kid=…&amp;exp=…&amp;sig=…</c>) that opens <paramref name="kind"/>/<paramref name="subject"/> until
    /// <paramref name="expires"/>; null without a signing key.</summary>
    public string? Query(string kind, string subject, DateTimeOffset expires)
    {
        if (_o.Keys.Count == 0) return null;
        var key = _o.Keys[0];
        var exp = expires.ToUnixTimeSeconds();
        var sig = Base64Url(Sign(_keys[key.Id], kind, subject, exp));
        return string.Create(CultureInfo.InvariantCulture, $"kid={Uri.EscapeDataString(key.Id)}&exp={exp}&sig={sig}");
    }

    /// <summary>Whether the link's <paramref name="kid"/>, <paramref name="exp"/> and <paramref name="sig"/> open
    /// <paramref name="kind"/>/<paramref name="subject"/> at <paramref name="now"/>: a known key, not expired, the right
    /// signature (compared in constant time).</summary>
    public bool Verify(string kind, string subject, string? kid, string? exp, string? sig, DateTimeOffset now, out DateTimeOffset expires)
    {
        expires = default;
        if (kid is null || exp is null || sig is null || !_keys.TryGetValue(kid, out var secret)) return false;
        if (!long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxUnixSeconds || seconds < now.ToUnixTimeSeconds()) return false;
        byte[] given;
        try { given = FromBase64Url(sig); }
        catch (FormatException) { return false; }
        if (!CryptographicOperations.FixedTimeEquals(given, Sign(secret, kind, subject, seconds))) return false;
        expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    /// <summary>How long a new link is valid (<see cref="PageOptions.LinkLifetime"/>).</summary>
    public TimeSpan Lifetime => _o.LinkLifetime;

    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private Uri? Link(string kind, string subject, DateTimeOffset expires)
    {
        if (!Enabled || Query(kind, subject, expires) is not { } query) return null;
        var path = kind == RolloutKind ? "rollouts" : "services";
        return new Uri($"{_o.BaseUrl!.TrimEnd('/')}/api/pages/{path}/{Uri.EscapeDataString(subject)}?{query}");
    }

    // Newlines separate the fields: neither a rollout id nor a service name contains one.
    private static byte[] Sign(byte[] secret, string kind, string subject, long exp) =>
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{kind}\n{subject}\n{exp}")));

    private static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + (4 - t.Length % 4) % 4, '='));
    }
}

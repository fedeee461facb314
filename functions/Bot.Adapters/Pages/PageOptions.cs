using System.ComponentModel.DataAnnotations;

namespace Bot.Adapters.Pages;

/// <summary>The rollout and service pages' signed links. Section <c>Pages</c>. Without keys no link is made and the pages
/// open only with a command API key: never public by default.</summary>
public sealed class PageOptions : IValidatableObject
{
    public const string Section = "Pages";

    /// <summary>The function app's public base URL (<c>https://releasebot.example.com</c>); links are
    /// <c>{BaseUrl}/api/pages/rollouts/{id}?kid=…&amp;exp=…&amp;sig=…</c>. The default value is null: no links in Slack or
    /// check runs.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>How long a link opens its page. 1 minute – 90 days. The default value is 7 days.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Signing keys (<c>Pages__Keys__0__Id</c>, <c>Pages__Keys__0__Secret</c>). The first signs new links; every
    /// key opens the links it signed, so rotate by putting a new key first and dropping the old one once its links expired.</summary>
    public List<PageKey> Keys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseUrl is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("https" or "http") || u.Query.Length > 0))
            yield return new ValidationResult($"Pages:BaseUrl '{url}' is not an http(s) URL without a query: use the app's public address, e.g. https://releasebot.example.com");
        if (LinkLifetime < TimeSpan.FromMinutes(1) || LinkLifetime > TimeSpan.FromDays(90))
            yield return new ValidationResult($"Pages:LinkLifetime {LinkLifetime} is outside 00:01:00 – 90.00:00:00");
        if (BaseUrl is { Length: > 0 } && Keys.Count == 0)
            yield return new ValidationResult("Pages:BaseUrl is set but Pages:Keys is empty: add Pages__Keys__0__Id and Pages__Keys__0__Secret (`openssl rand -hex 32`), or leave BaseUrl out");
        for (var i = 0; i < Keys.Count; i++)
        {
            var k = Keys[i];
            if (string.IsNullOrEmpty(k.Id) || !k.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || k.Id.Length > 32)
                yield return new ValidationResult($"Pages:Keys:{i}:Id '{k.Id}' is not a key id: use 1-32 letters, digits, '-' or '_' (it travels in the link)");
            if (string.IsNullOrEmpty(k.Secret) || k.Secret.Length < 32)
                yield return new ValidationResult($"Pages:Keys:{i}:Secret is shorter than 32 characters: use `openssl rand -hex 32`");
        }
        foreach (var dupe in Keys.GroupBy(k => k.Id, StringComparer.Ordinal).Where(g => g.Count() > 1))
            yield return new ValidationResult($"Pages:Keys: the id '{dupe.Key}' is used by {dupe.Count()} keys; a link names its key by id, make them unique");
    }
}

/// <summary>One link-signing key.</summary>
public sealed class PageKey
{
    /// <summary>Named in each link (<c>kid=</c>), so a rotated key still opens its own links.</summary>
    public string Id { get; set; } = "";
    /// <summary>The HMAC-SHA256 secret; never logged.</summary>
    public string Secret { get; set; } = "";
}

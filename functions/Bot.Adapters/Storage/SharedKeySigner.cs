using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Adapters.Storage;

/// <summary>Which Shared Key flavour signs Table requests. Queue requests always use full SharedKey.</summary>
public enum TableAuthScheme
{
    /// <summary><c>VERB\nContent-MD5\nContent-Type\nDate\nCanonicalizedResource</c>.</summary>
    SharedKey,
    /// <summary><c>Date\nCanonicalizedResource</c> (what Azure.Data.Tables sends).</summary>
    SharedKeyLite,
}

/// <summary>
/// Azure Storage Shared Key authorization (protocols.md §2.4, §3). The canonicalized resource is
/// <c>/{account}{encoded path as sent}</c>, so Azurite's path-style URLs sign with the account twice
/// (<c>/devstoreaccount1/devstoreaccount1/q</c>), exactly as the service verifies.
/// </summary>
public static class SharedKeySigner
{
    /// <summary>The REST version every request sends; Azurite 3.37 accepts it without <c>--skipApiVersionCheck</c>.</summary>
    public const string ApiVersion = "2021-12-02";

    /// <summary>Adds <c>x-ms-date</c>, <c>x-ms-version</c> and <c>Authorization</c>. Call once per attempt, after content is set.</summary>
    public static void SignQueueRequest(HttpRequestMessage request, StorageConnectionString account, DateTimeOffset now)
    {
        SetDateAndVersion(request, now);
        var signature = Sign(account.Key, QueueStringToSign(request, account.AccountName));
        Replace(request, "Authorization", $"SharedKey {account.AccountName}:{signature}");
    }

    /// <inheritdoc cref="SignQueueRequest"/>
    public static void SignTableRequest(HttpRequestMessage request, StorageConnectionString account, DateTimeOffset now, TableAuthScheme scheme)
    {
        SetDateAndVersion(request, now);
        var name = scheme == TableAuthScheme.SharedKey ? "SharedKey" : "SharedKeyLite";
        var signature = Sign(account.Key, TableStringToSign(request, account.AccountName, scheme));
        Replace(request, "Authorization", $"{name} {account.AccountName}:{signature}");
    }

    /// <summary>The Blob/Queue SharedKey string-to-sign for a request that already carries its <c>x-ms-*</c> headers.</summary>
    public static string QueueStringToSign(HttpRequestMessage request, string accountName)
    {
        var content = request.Content?.Headers;
        var length = content?.ContentLength is { } n and > 0 ? n.ToString(CultureInfo.InvariantCulture) : "";
        var sb = new StringBuilder();
        sb.Append(request.Method.Method.ToUpperInvariant()).Append('\n');
        sb.Append(Header(request, "Content-Encoding")).Append('\n');
        sb.Append(Header(request, "Content-Language")).Append('\n');
        sb.Append(length).Append('\n');
        sb.Append(Header(request, "Content-MD5")).Append('\n');
        sb.Append(Header(request, "Content-Type")).Append('\n');
        sb.Append('\n'); // Date: x-ms-date is used instead
        sb.Append(Header(request, "If-Modified-Since")).Append('\n');
        sb.Append(Header(request, "If-Match")).Append('\n');
        sb.Append(Header(request, "If-None-Match")).Append('\n');
        sb.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        sb.Append(Header(request, "Range")).Append('\n');

        foreach (var (name, value) in request.Headers
                     .Where(h => h.Key.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(",", h.Value).Trim()))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
            sb.Append(name).Append(':').Append(value).Append('\n');

        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        sb.Append('/').Append(accountName).Append(uri.AbsolutePath);
        foreach (var (name, values) in QueryParameters(uri).OrderBy(p => p.Key, StringComparer.Ordinal))
            sb.Append('\n').Append(name).Append(':').Append(string.Join(",", values));
        return sb.ToString();
    }

    /// <summary>The Table string-to-sign (SharedKey or SharedKeyLite) for a request that already carries <c>x-ms-date</c>.</summary>
    public static string TableStringToSign(HttpRequestMessage request, string accountName, TableAuthScheme scheme)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        var resource = $"/{accountName}{uri.AbsolutePath}";
        if (QueryParameters(uri).TryGetValue("comp", out var comp)) resource += "?comp=" + string.Join(",", comp);
        var date = Header(request, "x-ms-date");
        return scheme == TableAuthScheme.SharedKeyLite
            ? $"{date}\n{resource}"
            : $"{request.Method.Method.ToUpperInvariant()}\n{Header(request, "Content-MD5")}\n{Header(request, "Content-Type")}\n{date}\n{resource}";
    }

    /// <summary>Base64(HMAC-SHA256(key, UTF-8(stringToSign))).</summary>
    public static string Sign(ReadOnlySpan<byte> key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    private static void SetDateAndVersion(HttpRequestMessage request, DateTimeOffset now)
    {
        Replace(request, "x-ms-date", now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        Replace(request, "x-ms-version", ApiVersion);
    }

    private static void Replace(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    private static string Header(HttpRequestMessage request, string name)
    {
        if (request.Headers.TryGetValues(name, out var values) ||
            (request.Content is not null && request.Content.Headers.TryGetValues(name, out values)))
            return string.Join(",", values);
        return "";
    }

    private static SortedDictionary<string, List<string>> QueryParameters(Uri uri)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0) return result;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]).ToLowerInvariant();
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!result.TryGetValue(name, out var list)) result[name] = list = [];
            list.Add(value);
        }
        return result;
    }
}

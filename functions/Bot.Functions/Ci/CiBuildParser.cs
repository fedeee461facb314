using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;

namespace Bot.Functions.Ci;

/// <summary>Parses and validates the CI body, collecting every problem per field (for a 400 that lists them all).</summary>
public static partial class CiBuildParser
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    [GeneratedRegex("^[0-9a-fA-F]{7,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex CommitSha();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._/@:+-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <summary>Where <paramref name="body"/> stops being UTF-8 (its first bad byte) and, when that byte is inside a
    /// JSON string, the property it belongs to. Null when the body is valid UTF-8. (JSON strings are not decoded while
    /// parsing, so without this check a bad byte in a value fails later, when the value is read.)</summary>
    public static (int Offset, string? Field)? InvalidUtf8(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body)) return null;
        var chars = new char[body.Length];
        Utf8.ToUtf16(body, chars, out var offset, out _, replaceInvalidSequences: false);
        string? field = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            string? property = null;
            while (reader.Read())
            {
                var inside = reader.TokenStartIndex <= offset && offset < reader.BytesConsumed;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = Encoding.UTF8.GetString(reader.ValueSpan);
                    if (inside) { field = property; break; }
                }
                else if (inside)
                {
                    field = property;
                    break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON around the bad byte: the offset alone says where.
        }
        return (offset, field);
    }

    /// <summary>Returns the build, or null with <paramref name="errors"/> keyed by field.</summary>
    public static CiBuild? Parse(ReadOnlySpan<byte> body, out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (InvalidUtf8(body) is { } bad)
        {
            errors[bad.Field ?? "body"] = [$"is not valid UTF-8 (byte offset {bad.Offset}{(bad.Field is null ? "" : $", in the value of '{bad.Field}'")}): send the JSON encoded as UTF-8"];
            return null;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            errors["body"] = [$"not valid JSON: {e.Message}"];
            return null;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors["body"] = ["must be a JSON object {id, service, version, status, image?, commit?, repository?, buildUrl?}"];
                return null;
            }
            var root = doc.RootElement;
            var e = errors;
            string? Str(string name, bool required, int max)
            {
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
                {
                    if (required) e[name] = ["is required"];
                    return null;
                }
                if (v.ValueKind != JsonValueKind.String) { e[name] = [$"must be a string, not {v.ValueKind.ToString().ToLowerInvariant()}"]; return null; }
                var s = v.GetString()!.Trim();
                if (s.Length == 0) { e[name] = [required ? "is required and must not be empty" : "must not be empty; leave it out instead"]; return null; }
                if (s.Length > max) { e[name] = [$"is longer than {max} characters"]; return null; }
                return s;
            }

            var id = Str("id", true, 200);
            var service = Str("service", true, 63);
            if (service is not null && !ServiceName().IsMatch(service)) { errors["service"] = ["must be lowercase letters, digits and '-', e.g. checkout-api"]; service = null; }
            var version = Str("version", true, 128);
            if (version is not null && !Token().IsMatch(version)) { errors["version"] = ["must be one word without spaces, e.g. 1.4.2 or 3f2c9e1"]; version = null; }
            var image = Str("image", false, 512);
            if (image is not null && image.Any(char.IsWhiteSpace)) { errors["image"] = ["must be an image reference without spaces, e.g. registry.example.com/checkout:1.4.2"]; image = null; }
            var commit = Str("commit", false, 64);
            if (commit is not null && !CommitSha().IsMatch(commit)) { errors["commit"] = ["must be a hex commit SHA (7-64 characters)"]; commit = null; }
            var repository = Str("repository", false, 200);
            if (repository is not null && (repository.Count(c => c == '/') != 1 || repository.StartsWith('/') || repository.EndsWith('/') || repository.Any(char.IsWhiteSpace)))
            { errors["repository"] = ["must be owner/name, e.g. acme/checkout"]; repository = null; }
            var buildUrl = Str("buildUrl", false, 2048);
            if (buildUrl is not null && !(Uri.TryCreate(buildUrl, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp)))
            { errors["buildUrl"] = ["must be an absolute http(s) URL"]; buildUrl = null; }
            var statusText = Str("status", true, 32);
            CiBuildStatus status = default;
            if (statusText is not null)
            {
                switch (statusText.ToLowerInvariant())
                {
                    case "succeeded": status = CiBuildStatus.Succeeded; break;
                    case "failed": status = CiBuildStatus.Failed; break;
                    default: errors["status"] = [$"must be succeeded or failed, not '{statusText}'"]; break;
                }
            }
            if (errors.Count > 0) return null;
            return new CiBuild(id!, service!, version!, status, image, commit, repository, buildUrl);
        }
    }
}

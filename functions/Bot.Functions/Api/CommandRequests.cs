using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bot.Functions.Api;

/// <summary>Body of <c>POST /api/rollouts</c>.</summary>
public sealed record StartRequest(string Service, string Version, string? Commit, string? Image, string? Repository, string? BuildUrl, string? Reason);

/// <summary>Optional body of <c>POST /api/rollouts/{id}/{action}</c>. <see cref="StepIndex"/>/<see cref="Revision"/>
/// bind an approval to what the approver saw; a stale one is refused.</summary>
public sealed record ActionRequest(string? Reason, int? StepIndex, int? Revision);

/// <summary>Parses request bodies by hand so a 400 can list every problem at once (unknown fields included).</summary>
public static partial class CommandRequests
{
    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")]
    private static partial Regex VersionText();

    [GeneratedRegex("^[0-9a-f]{7,40}$")]
    private static partial Regex CommitSha();

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsServiceName(string s) => ServiceName().IsMatch(s);

    public static async Task<(StartRequest? Request, Dictionary<string, string[]> Errors)> ReadStartAsync(HttpRequest http, CancellationToken ct)
    {
        var (body, errors) = await ReadObjectAsync(http, required: true, ["service", "version", "commit", "image", "repository", "buildUrl", "reason"], ct);
        if (body is null) return (null, errors);
        var service = Text(body, "service", errors, required: true);
        var version = Text(body, "version", errors, required: true);
        var commit = Text(body, "commit", errors);
        var image = Text(body, "image", errors);
        var repository = Text(body, "repository", errors);
        var buildUrl = Text(body, "buildUrl", errors);
        var reason = Text(body, "reason", errors);
        if (service is not null && !ServiceName().IsMatch(service))
            errors["service"] = ["lowercase letters, digits and '-', 1-63 characters, e.g. \"checkout-api\""];
        if (version is not null && !VersionText().IsMatch(version))
            errors["version"] = ["letters, digits and . _ + -, up to 128 characters, e.g. \"1.4.2\" or \"3f2c9e1\""];
        if (commit is not null && !CommitSha().IsMatch(commit))
            errors["commit"] = ["a lowercase hex commit SHA, 7-40 characters"];
        if (buildUrl is not null && !Uri.TryCreate(buildUrl, UriKind.Absolute, out _))
            errors["buildUrl"] = ["an absolute URL"];
        if (reason is { Length: > 500 }) errors["reason"] = ["at most 500 characters"];
        return errors.Count > 0 ? (null, errors) : (new StartRequest(service!, version!, commit, image, repository, buildUrl, reason), errors);
    }

    public static async Task<(ActionRequest? Request, Dictionary<string, string[]> Errors)> ReadActionAsync(HttpRequest http, CancellationToken ct)
    {
        var (body, errors) = await ReadObjectAsync(http, required: false, ["reason", "stepIndex", "revision"], ct);
        if (errors.Count > 0) return (null, errors);
        if (body is null) return (new ActionRequest(null, null, null), errors);
        var reason = Text(body, "reason", errors);
        var step = Int(body, "stepIndex", errors);
        var revision = Int(body, "revision", errors);
        if (reason is { Length: > 500 }) errors["reason"] = ["at most 500 characters"];
        return errors.Count > 0 ? (null, errors) : (new ActionRequest(reason, step, revision), errors);
    }

    private static async Task<(JsonObject? Body, Dictionary<string, string[]> Errors)> ReadObjectAsync(
        HttpRequest http, bool required, string[] known, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // Strict UTF-8: an undecodable body is a 400 (ProblemAnswers), never silently replaced characters.
        using var reader = new StreamReader(http.Body, StrictUtf8);
        var text = await reader.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required) errors["body"] = ["a JSON object is required, e.g. {\"service\":\"checkout-api\",\"version\":\"1.4.2\"}"];
            return (null, errors);
        }
        if (!(http.ContentType ?? "application/json").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            errors["body"] = [$"Content-Type must be application/json, was {http.ContentType}"];
            return (null, errors);
        }
        JsonNode? node;
        try { node = JsonNode.Parse(text); }
        catch (JsonException ex)
        {
            errors["body"] = [$"not valid JSON: {ex.Message}"];
            return (null, errors);
        }
        if (node is not JsonObject o)
        {
            errors["body"] = ["must be a JSON object"];
            return (null, errors);
        }
        foreach (var (name, _) in o)
        {
            if (!known.Contains(name, StringComparer.Ordinal)) errors[name] = [$"unknown field; known fields: {string.Join(", ", known)}"];
        }
        return (o, errors);
    }

    private static string? Text(JsonObject o, string name, Dictionary<string, string[]> errors, bool required = false)
    {
        switch (o[name])
        {
            case null:
                if (required) errors[name] = ["is required"];
                return null;
            case JsonValue v when v.TryGetValue<string>(out var s):
                if (string.IsNullOrWhiteSpace(s))
                {
                    if (required) errors[name] = ["must not be empty"];
                    return null;
                }
                return s.Trim();
            default:
                errors[name] = ["must be a string"];
                return null;
        }
    }

    private static int? Int(JsonObject o, string name, Dictionary<string, string[]> errors)
    {
        switch (o[name])
        {
            case null: return null;
            case JsonValue v when v.TryGetValue<int>(out var i) && i >= 0: return i;
            default:
                errors[name] = ["must be a whole number >= 0"];
                return null;
        }
    }
}

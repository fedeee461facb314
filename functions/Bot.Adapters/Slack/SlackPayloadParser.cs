using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Bot.Adapters.Slack;

/// <summary>Parses Slack's form-encoded inbound bodies. Errors name the field and what was expected.</summary>
public static class SlackPayloadParser
{
    public static SlackParseResult<SlackSlashCommand> ParseSlashCommand(ReadOnlySpan<byte> rawBody)
    {
        if (!TryParseForm(rawBody, out var form, out var error)) return SlackParseResult<SlackSlashCommand>.Fail(error);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;

        foreach (var required in (string[])["team_id", "channel_id", "user_id", "command", "response_url", "trigger_id"])
        {
            if (string.IsNullOrWhiteSpace(Field(required)))
                return SlackParseResult<SlackSlashCommand>.Fail($"form field '{required}' is missing or empty");
        }
        if (!TryResponseUrl(Field("response_url")!, "response_url", out var url, out error)) return SlackParseResult<SlackSlashCommand>.Fail(error);
        var command = Field("command")!;
        if (!command.StartsWith('/')) return SlackParseResult<SlackSlashCommand>.Fail($"form field 'command' must start with '/', got '{Trim(command)}'");

        return SlackParseResult<SlackSlashCommand>.Ok(new SlackSlashCommand(
            Field("team_id")!, Field("channel_id")!, Field("channel_name"), Field("user_id")!, Field("user_name") ?? Field("user_id")!,
            command, Field("text") ?? "", url, Field("trigger_id")!));
    }

    public static SlackParseResult<SlackBlockAction> ParseBlockActions(ReadOnlySpan<byte> rawBody)
    {
        if (!TryParseForm(rawBody, out var form, out var error)) return SlackParseResult<SlackBlockAction>.Fail(error);
        if (!form.TryGetValue("payload", out var payloadValues) || string.IsNullOrWhiteSpace(payloadValues.ToString()))
            return SlackParseResult<SlackBlockAction>.Fail("form field 'payload' is missing: interactivity requests carry their JSON in 'payload'");

        JsonDocument doc;
        try { doc = JsonDocument.Parse(payloadValues.ToString()); }
        catch (JsonException e) { return SlackParseResult<SlackBlockAction>.Fail($"'payload' is not valid JSON: {e.Message}"); }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return SlackParseResult<SlackBlockAction>.Fail("'payload' must be a JSON object");
            var type = Str(root, "type");
            if (type != "block_actions")
                return SlackParseResult<SlackBlockAction>.Fail($"payload.type '{Trim(type ?? "(missing)")}' is not handled: only 'block_actions' is");

            var userId = Str(root, "user", "id");
            if (string.IsNullOrEmpty(userId)) return SlackParseResult<SlackBlockAction>.Fail("payload.user.id is missing");
            var teamId = Str(root, "team", "id") ?? Str(root, "user", "team_id");
            if (string.IsNullOrEmpty(teamId)) return SlackParseResult<SlackBlockAction>.Fail("payload.team.id is missing");
            var responseUrl = Str(root, "response_url");
            if (string.IsNullOrEmpty(responseUrl)) return SlackParseResult<SlackBlockAction>.Fail("payload.response_url is missing");
            if (!TryResponseUrl(responseUrl, "payload.response_url", out var url, out error)) return SlackParseResult<SlackBlockAction>.Fail(error);
            var triggerId = Str(root, "trigger_id");
            if (string.IsNullOrEmpty(triggerId)) return SlackParseResult<SlackBlockAction>.Fail("payload.trigger_id is missing");

            if (!root.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array || actions.GetArrayLength() == 0)
                return SlackParseResult<SlackBlockAction>.Fail("payload.actions must be a non-empty array");
            var action = actions[0];
            if (action.ValueKind != JsonValueKind.Object) return SlackParseResult<SlackBlockAction>.Fail("payload.actions[0] must be an object");
            var actionId = Str(action, "action_id");
            if (string.IsNullOrEmpty(actionId)) return SlackParseResult<SlackBlockAction>.Fail("payload.actions[0].action_id is missing");
            var actionTs = Str(action, "action_ts");
            if (string.IsNullOrEmpty(actionTs)) return SlackParseResult<SlackBlockAction>.Fail("payload.actions[0].action_ts is missing");

            var isEphemeral = root.TryGetProperty("container", out var c) && c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("is_ephemeral", out var e) && e.ValueKind == JsonValueKind.True;
            return SlackParseResult<SlackBlockAction>.Ok(new SlackBlockAction(
                teamId, userId, Str(root, "user", "name") ?? Str(root, "user", "username") ?? userId,
                Str(root, "container", "channel_id") ?? Str(root, "channel", "id"),
                Str(root, "container", "message_ts") ?? Str(root, "message", "ts"),
                isEphemeral, url, triggerId, actionId, Str(action, "block_id"), Str(action, "value"), actionTs));
        }
    }

    private static bool TryParseForm(ReadOnlySpan<byte> rawBody, out Dictionary<string, StringValues> form, out string error)
    {
        form = [];
        error = "";
        if (rawBody.IsEmpty) { error = "the body is empty: expected application/x-www-form-urlencoded fields"; return false; }
        string text;
        try { text = new UTF8Encoding(false, true).GetString(rawBody); }
        catch (DecoderFallbackException) { error = "the body is not valid UTF-8"; return false; }
        if (text.TrimStart().StartsWith('{')) { error = "the body is JSON: Slack sends application/x-www-form-urlencoded fields"; return false; }
        form = QueryHelpers.ParseQuery(text);
        if (form.Count == 0) { error = "the body holds no form fields"; return false; }
        return true;
    }

    private static bool TryResponseUrl(string value, string field, out Uri url, out string error)
    {
        error = "";
        if (Uri.TryCreate(value, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)) return true;
        error = $"{field} must be an absolute https URL, got '{Trim(value)}'";
        return false;
    }

    private static string? Str(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    /// <summary>Echoes at most 60 characters of bad input so errors stay short.</summary>
    private static string Trim(string s) => s.Length <= 60 ? s : s[..60] + "…";
}

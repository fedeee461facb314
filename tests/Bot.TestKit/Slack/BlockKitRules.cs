using System.Text.Json.Nodes;

namespace Bot.TestKit.Slack;

/// <summary>Block Kit limits from protocols.md §4.6 (@slack/types): what Slack answers <c>invalid_blocks</c> to.</summary>
public static class BlockKitRules
{
    public static IReadOnlyList<string> Check(JsonArray blocks)
    {
        var problems = new List<string>();
        if (blocks.Count > 50) problems.Add($"{blocks.Count} blocks > 50");
        var blockIds = new HashSet<string>();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i] is not JsonObject b || b["type"] is not JsonValue t) { problems.Add($"blocks[{i}] has no type"); continue; }
            var type = t.GetValue<string>();
            if (b["block_id"] is JsonValue bid)
            {
                var id = bid.GetValue<string>();
                if (id.Length > 255) problems.Add($"blocks[{i}].block_id > 255 chars");
                if (!blockIds.Add(id)) problems.Add($"blocks[{i}].block_id '{id}' is not unique");
            }
            switch (type)
            {
                case "section":
                    if (b["text"] is JsonObject st) Text(st, 3000, $"blocks[{i}].text", problems);
                    if (b["fields"] is JsonArray fields)
                    {
                        if (fields.Count > 10) problems.Add($"blocks[{i}].fields > 10");
                        foreach (var f in fields) Text(f!.AsObject(), 2000, $"blocks[{i}].fields[]", problems);
                    }
                    if (b["text"] is null && b["fields"] is null) problems.Add($"blocks[{i}] section needs text or fields");
                    break;
                case "context":
                    if (b["elements"] is not JsonArray ce || ce.Count is 0 or > 10) problems.Add($"blocks[{i}].elements must hold 1-10 items");
                    else foreach (var e in ce) if (e is JsonObject eo && eo["text"] is not null) Text(eo, 3000, $"blocks[{i}].elements[]", problems);
                    break;
                case "header":
                    if (b["text"] is not JsonObject ht || ht["type"]?.GetValue<string>() != "plain_text") problems.Add($"blocks[{i}] header needs plain_text");
                    else Text(ht, 150, $"blocks[{i}].text", problems);
                    break;
                case "divider":
                    break;
                case "actions":
                    if (b["elements"] is not JsonArray ae || ae.Count is 0 or > 25) { problems.Add($"blocks[{i}].elements must hold 1-25 items"); break; }
                    var actionIds = new HashSet<string>();
                    foreach (var e in ae) Button(e!.AsObject(), $"blocks[{i}]", actionIds, problems);
                    break;
                default:
                    problems.Add($"blocks[{i}] type '{type}' is not one the bot should send");
                    break;
            }
        }
        return problems;
    }

    private static void Button(JsonObject e, string where, HashSet<string> actionIds, List<string> problems)
    {
        if (e["type"]?.GetValue<string>() != "button") { problems.Add($"{where}: only buttons expected"); return; }
        if (e["text"] is not JsonObject t || t["type"]?.GetValue<string>() != "plain_text") problems.Add($"{where}: button text must be plain_text");
        else Text(t, 75, $"{where}.button.text", problems);
        var actionId = e["action_id"]?.GetValue<string>() ?? "";
        if (actionId.Length is 0 or > 255) problems.Add($"{where}: action_id must be 1-255 chars");
        if (!actionIds.Add(actionId)) problems.Add($"{where}: action_id '{actionId}' is not unique in the block");
        if (e["value"] is JsonValue v && v.GetValue<string>().Length > 2000) problems.Add($"{where}: value > 2000 chars");
        if (e["style"] is JsonValue s && s.GetValue<string>() is not ("primary" or "danger")) problems.Add($"{where}: style must be primary or danger");
        if (e["confirm"] is JsonObject c)
        {
            if (c["title"] is JsonObject ct) Text(ct, 100, $"{where}.confirm.title", problems); else problems.Add($"{where}.confirm.title missing");
            if (c["text"] is JsonObject cx) Text(cx, 300, $"{where}.confirm.text", problems); else problems.Add($"{where}.confirm.text missing");
            if (c["confirm"] is JsonObject cc) Text(cc, 30, $"{where}.confirm.confirm", problems); else problems.Add($"{where}.confirm.confirm missing");
            if (c["deny"] is JsonObject cd) Text(cd, 30, $"{where}.confirm.deny", problems); else problems.Add($"{where}.confirm.deny missing");
            if (c["style"] is JsonValue cs && cs.GetValue<string>() is not ("primary" or "danger")) problems.Add($"{where}.confirm.style must be primary or danger");
        }
    }

    private static void Text(JsonObject t, int max, string where, List<string> problems)
    {
        var type = t["type"]?.GetValue<string>();
        if (type is not ("plain_text" or "mrkdwn")) problems.Add($"{where}.type must be plain_text or mrkdwn");
        var text = t["text"]?.GetValue<string>() ?? "";
        if (text.Length == 0) problems.Add($"{where}.text is empty");
        if (text.Length > max) problems.Add($"{where}.text is {text.Length} chars > {max}");
    }
}

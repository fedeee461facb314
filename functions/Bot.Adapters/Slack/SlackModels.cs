using System.Text.Json.Nodes;

namespace Bot.Adapters.Slack;

/// <summary>What a message shows: <paramref name="Text"/> is the notification fallback when blocks are present.</summary>
public sealed record SlackMessage(string Text, JsonArray? Blocks = null);

/// <summary>Where a posted message lives: keep both to update it.</summary>
public sealed record SlackMessageRef(string Channel, string Ts);

public sealed record SlackUser(string Id, string Name, string? RealName, bool IsBot, bool Deleted);

/// <summary>A reply through a <c>response_url</c> (protocols.md §4.3).</summary>
/// <param name="ResponseType"><c>ephemeral</c> (default) or <c>in_channel</c>.</param>
/// <param name="ReplaceOriginal">Rewrite the message that carried the button or command.</param>
public sealed record SlackResponse(string Text, JsonArray? Blocks = null, string ResponseType = "ephemeral", bool ReplaceOriginal = false)
{
    public JsonObject ToJson()
    {
        var o = new JsonObject { ["text"] = Text, ["response_type"] = ResponseType };
        if (Blocks is not null) o["blocks"] = Blocks.DeepClone();
        if (ReplaceOriginal) o["replace_original"] = true;
        return o;
    }
}

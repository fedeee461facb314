namespace Bot.Adapters.Slack;

/// <summary>A slash command as Slack posts it (form fields, protocols.md §4.2).</summary>
public sealed record SlackSlashCommand(
    string TeamId, string ChannelId, string? ChannelName, string UserId, string UserName,
    string Command, string Text, Uri ResponseUrl, string TriggerId);

/// <summary>The first action of a <c>block_actions</c> payload (protocols.md §4.4), flattened.</summary>
public sealed record SlackBlockAction(
    string TeamId, string UserId, string UserName, string? ChannelId, string? MessageTs, bool IsEphemeral,
    Uri ResponseUrl, string TriggerId, string ActionId, string? BlockId, string? Value, string ActionTs);

/// <summary>Either a parsed value or a sentence saying what is wrong (sent back as the 400 body).</summary>
public sealed record SlackParseResult<T>(T? Value, string? Error) where T : class
{
    public static SlackParseResult<T> Ok(T value) => new(value, null);
    public static SlackParseResult<T> Fail(string error) => new(null, error);
}

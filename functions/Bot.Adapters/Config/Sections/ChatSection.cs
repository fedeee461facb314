using System.Text.RegularExpressions;
using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary><c>chat: {channel: C0123ABCD}</c>: the Slack channel ID of the live rollout message.</summary>
public sealed partial class ChatSection : IConfigSection
{
    [GeneratedRegex("^[CG][A-Z0-9]{6,}$")]
    private static partial Regex ChannelId();

    public string Key => "chat";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, ["channel"]) is not { } m) return null;
        if (!m.TryGetValue("channel", out var c)) return cfg => cfg;
        const string fix = "use the channel ID (C…), shown in Slack under the channel's details, not its #name";
        if (r.String(c, "chat.channel", fix) is not { } channel) return null;
        if (!ChannelId().IsMatch(channel))
        {
            r.Error(c, "chat.channel", $"'{channel}' is not a Slack channel ID", fix);
            return null;
        }
        return cfg => cfg with { ChatChannel = channel };
    }
}

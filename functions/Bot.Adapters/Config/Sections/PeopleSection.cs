using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary><c>deployers</c> or <c>approvers</c>: Slack user IDs (U…), @group handles (Slack user groups, GitHub @org/team) or GitHub logins.</summary>
public sealed class PeopleSection(string key) : IConfigSection
{
    public string Key { get; } = key;

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.StringList(node, Key, "list Slack user IDs (U…), @group handles or GitHub logins") is not { } people) return null;
        return Key == "deployers" ? cfg => cfg with { Deployers = people } : cfg => cfg with { Approvers = people };
    }
}

using System.Text.RegularExpressions;
using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary><c>github: {repo: owner/name}</c>. Add keys here (and to <see cref="Keys"/>) as GitHub features need them.</summary>
public sealed partial class GitHubSection : IConfigSection
{
    private static readonly string[] Keys = ["repo"];

    [GeneratedRegex(@"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")]
    private static partial Regex Repo();

    public string Key => "github";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        if (!m.TryGetValue("repo", out var n)) return cfg => cfg;
        const string fix = "write the repository as owner/name, e.g. acme/checkout";
        if (r.String(n, "github.repo", fix) is not { } repo) return null;
        if (!Repo().IsMatch(repo))
        {
            r.Error(n, "github.repo", $"'{repo}' is not owner/name", fix);
            return null;
        }
        return cfg => cfg with { GitHubRepo = repo };
    }
}

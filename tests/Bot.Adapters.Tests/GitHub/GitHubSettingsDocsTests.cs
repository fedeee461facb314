using System.Text.RegularExpressions;
using Bot.Adapters.GitHub;
using Bot.TestKit;

namespace Bot.Adapters.Tests.GitHub;

/// <summary>Every GitHub setting README.md names (<c>GitHub__X</c> or <c>GitHub:X</c>) is one <see cref="GitHubOptions"/> binds,
/// and every one it binds is named there.</summary>
public sealed partial class GitHubSettingsDocsTests
{
    [Fact]
    public void Readme_GitHubSettings_AreOptionsTheClientBinds()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var bound = typeof(GitHubOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToHashSet();

        var named = Setting().Matches(readme).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Contains("BaseUrl", named);
        Assert.Contains("MaxRateLimitWait", named);
        Assert.All(named, n => Assert.Contains(n, bound));
        Assert.All(bound, b => Assert.Contains(b, named));
    }

    [GeneratedRegex(@"`GitHub(?:__|:)([A-Za-z]+)")]
    private static partial Regex Setting();
}

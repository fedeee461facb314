using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bot.Adapters.Config;
using Bot.Core.Config;
using Bot.TestKit;

namespace Bot.Functions.Tests.Docs;

/// <summary>The deployment protection rule as documented: README's release-config example parses with the keys the parser
/// knows, its workflow targets an environment, and the app manifest asks for what the rule needs.</summary>
public partial class ProtectionDocsTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));

    [GeneratedRegex(@"```yaml\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    [Fact]
    public void ReadmeReleaseConfigExample_ParsesWithProtectionAndTheProtectionTriggerExampleToo()
    {
        var blocks = YamlBlock().Matches(Readme).Select(m => m.Groups["body"].Value).ToList();
        var full = blocks.First(b => b.StartsWith("service: checkout", StringComparison.Ordinal));

        var parsed = ReleaseConfigParser.Parse(full, "README.md");
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        Assert.Equal(new[] { "production" }, parsed.Config!.Protection!.Environments);
        Assert.Equal(ProtectionSpec.DefaultDeadline, parsed.Config.Protection.Deadline);

        // The step-by-step snippet, on the example's service and plan, with its trigger.
        var snippet = blocks.Single(b => b.Contains("kind: deployment_protection_rule   #", StringComparison.Ordinal));
        var head = full[..full.IndexOf("policy:", StringComparison.Ordinal)];
        var withSnippet = ReleaseConfigParser.Parse(head + Unindent(snippet), "README.md");
        Assert.True(withSnippet.Ok, string.Join("\n", withSnippet.Errors));
        Assert.Equal(TriggerKind.DeploymentProtectionRule, withSnippet.Config!.Trigger!.Kind);
        Assert.Equal(TimeSpan.FromHours(12), withSnippet.Config.Protection!.Deadline);

        Assert.Contains(blocks, b => b.Contains("environment: production", StringComparison.Ordinal) && b.Contains("jobs:", StringComparison.Ordinal));
    }

    [Fact]
    public void AppManifest_AsksForActionsReadDeploymentsWriteAndTheEvent()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "github", "app-manifest.json")))!;
        Assert.Equal("read", (string?)manifest["default_permissions"]!["actions"]);
        Assert.Equal("write", (string?)manifest["default_permissions"]!["deployments"]);
        Assert.Contains("deployment_protection_rule", manifest["default_events"]!.AsArray().Select(e => (string?)e));
    }

    private static string Unindent(string block)
    {
        var lines = block.Split('\n');
        var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }
}

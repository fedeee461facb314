using System.Text.Json.Nodes;
using Bot.TestKit;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Support;

/// <summary>A throw-away app root: the repository's host.json and the build's functions.metadata, with this test's own
/// queue names and quicker queue settings, plus a central config folder with one service per plan.</summary>
internal sealed class TestAppRoot : IDisposable
{
    public TestAppRoot(int maxDequeueCount = 3)
    {
        Root = Path.Combine(Path.GetTempPath(), "releasebot-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Queue = AzuriteFixture.NewName("steps");
        SlackQueue = AzuriteFixture.NewName("slack");
        GitHubQueue = AzuriteFixture.NewName("github");
        NotificationsQueue = AzuriteFixture.NewName("notices");
        NotificationsTable = AzuriteFixture.NewName("noticestate").Replace("-", "");
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")))!;
        var queues = host["extensions"]!["queues"]!;
        queues["maxPollingInterval"] = "00:00:00.500";
        queues["visibilityTimeout"] = "00:00:00";
        queues["maxDequeueCount"] = maxDequeueCount;
        File.WriteAllText(Path.Combine(Root, "host.json"), host.ToJsonString());
        File.WriteAllText(Path.Combine(Root, "functions.metadata"), File.ReadAllText(BuildOutput.FunctionsMetadata)
            .Replace("\"rollout-steps\"", $"\"{Queue}\"", StringComparison.Ordinal)
            .Replace("\"slack-work\"", $"\"{SlackQueue}\"", StringComparison.Ordinal)
            .Replace("\"github-work\"", $"\"{GitHubQueue}\"", StringComparison.Ordinal)
            .Replace("\"notifications\"", $"\"{NotificationsQueue}\"", StringComparison.Ordinal));
        ConfigDir = Directory.CreateDirectory(Path.Combine(Root, "config")).FullName;
        RecordFile = Path.Combine(Root, "traffic.jsonl");
    }

    public string Root { get; }
    public string Queue { get; }
    /// <summary>This test's <c>slack-work</c> queue (the <c>SlackWork</c> function's trigger).</summary>
    public string SlackQueue { get; }
    /// <summary>This test's <c>github-work</c> queue (the <c>GitHubWork</c> function's trigger).</summary>
    public string GitHubQueue { get; }
    /// <summary>This test's <c>notifications</c> queue (the <c>Notifications</c> function's trigger) and coalescing table.</summary>
    public string NotificationsQueue { get; }
    public string NotificationsTable { get; }
    public string ConfigDir { get; }
    public string RecordFile { get; }

    /// <summary>Writes <c>&lt;service&gt;.yaml</c> with the given steps (YAML list items).</summary>
    public void AddService(string service, params string[] steps) =>
        File.WriteAllText(Path.Combine(ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {service}, name: primary}}\n"
            + $"deployments: {{canary: {service}-canary, stable: {service}, image: \"registry.example.com/{service}:{{version}}\"}}\nsteps:\n"
            + string.Concat(steps.Select(s => $"  - {s}\n")));

    /// <summary>The issue's plan: setWeight 10, approval, setWeight 100, promote.</summary>
    public void AddIssuePlan(string service) => AddService(service, "setWeight: 10", "approval: {}", "setWeight: 100", "promote: {}");

    public const string DeployerKey = "deployer-key-0123456789abcdef";
    public const string ApproverKey = "approver-key-0123456789abcdef";

    /// <summary>The settings the app needs, as configuration keys.</summary>
    public Dictionary<string, string> Settings(string connectionString, bool runTriggers) => new()
    {
        ["AzureWebJobsStorage"] = connectionString,
        ["Bot:AppRoot"] = Root,
        ["Bot:RunTriggers"] = runTriggers ? "true" : "false",
        ["ReleaseConfig:Directory"] = ConfigDir,
        ["Traffic:Mode"] = "recording",
        ["Notifications:Table"] = NotificationsTable,
        ["Traffic:RecordFile"] = RecordFile,
        ["CommandApi:Keys:0:Name"] = "deployer",
        ["CommandApi:Keys:0:Key"] = DeployerKey,
        ["CommandApi:Keys:1:Name"] = "approver",
        ["CommandApi:Keys:1:Key"] = ApproverKey,
        // Slack on, so every Slack function answers; nothing reaches Slack unless a config names a chat channel.
        ["Slack:BotToken"] = SlackBotToken,
        ["Slack:SigningSecret"] = SlackSigningSecret,
        ["Ci:SigningSecret"] = CiSigningSecret,
    };

    public const string CiSigningSecret = "test-ci-signing-secret";

    public const string SlackBotToken = "xoxb-test-0000-token";
    public const string SlackSigningSecret = "test-signing-secret";

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

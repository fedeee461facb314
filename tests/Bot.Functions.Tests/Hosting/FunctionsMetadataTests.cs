using System.Reflection;
using System.Text.Json.Nodes;
using Bot.Functions.Tests.Support;
using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Tests.Hosting;

/// <summary>The build's <c>functions.metadata</c> (written by the worker SDK from the <c>[Function]</c> classes) is what the
/// Functions host indexes and what the standalone host serves: every function with its trigger, route and methods, queue or
/// schedule, and an entry point that is a method of the app.</summary>
public sealed class FunctionsMetadataTests
{
    private static readonly JsonArray Metadata = (JsonArray)JsonNode.Parse(File.ReadAllText(BuildOutput.FunctionsMetadata))!;

    /// <summary>What the bot must expose: name → trigger, route / queue / schedule, methods.</summary>
    private static readonly (string Name, string Trigger, string Target, string[] Methods)[] Expected =
    [
        ("Health", "httpTrigger", "health", ["get"]),
        ("SlackCommands", "httpTrigger", "slack/commands", ["post"]),
        ("SlackInteractions", "httpTrigger", "slack/interactions", ["post"]),
        ("GitHubWebhook", "httpTrigger", "github", ["post"]),
        ("CiWebhook", "httpTrigger", "ci", ["post"]),
        ("FreezeList", "httpTrigger", "freezes", ["get"]),
        ("FreezeSet", "httpTrigger", "freezes", ["post"]),
        ("FreezeLift", "httpTrigger", "freezes/{scope}", ["delete"]),
        ("RolloutStart", "httpTrigger", "rollouts", ["post"]),
        ("RolloutGet", "httpTrigger", "rollouts/{id}", ["get"]),
        ("RolloutAnalysis", "httpTrigger", "rollouts/{id}/analysis", ["get"]),
        ("RolloutAction", "httpTrigger", "rollouts/{id}/{action:regex(^(approve|rollback|pause|resume|promote|abort)$)}", ["post"]),
        ("ServiceRollouts", "httpTrigger", "services/{service}/rollouts", ["get"]),
        ("ServiceAudit", "httpTrigger", "services/{service}/audit", ["get"]),
        ("ServiceRestore", "httpTrigger", "services/{service}/restore", ["post"]),
        ("PageRollout", "httpTrigger", "pages/rollouts/{id}", ["get"]),
        ("PageService", "httpTrigger", "pages/services/{service}", ["get"]),
        ("RolloutSteps", "queueTrigger", "rollout-steps", []),
        ("SlackWork", "queueTrigger", "slack-work", []),
        ("GitHubWork", "queueTrigger", "github-work", []),
        ("Notifications", "queueTrigger", "notifications", []),
        ("Sweep", "timerTrigger", "%Sweep:Schedule%", []),
    ];

    [Fact]
    public void EveryFunction_HasItsTriggerAndTarget_AndNothingElseIsListed()
    {
        var names = Metadata.Select(f => (string)f!["name"]!).ToList();
        Assert.Equal(Expected.Select(e => e.Name).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        foreach (var (name, trigger, target, methods) in Expected)
        {
            var f = Metadata.Single(x => (string?)x!["name"] == name)!;
            var triggers = ((JsonArray)f["bindings"]!).Where(b => ((string)b!["type"]!).EndsWith("Trigger", StringComparison.Ordinal)).ToList();
            var t = Assert.Single(triggers)!;
            Assert.Equal(trigger, (string?)t["type"]);
            switch (trigger)
            {
                case "httpTrigger":
                    Assert.Equal(target, (string?)t["route"]);
                    Assert.Equal(methods, ((JsonArray)t["methods"]!).Select(m => (string)m!).ToArray());
                    Assert.Equal("Anonymous", (string?)t["authLevel"]); // the bot authenticates every request itself (signatures, keys)
                    Assert.Contains(((JsonArray)f["bindings"]!), b => (string?)b!["type"] == "http" && (string?)b["name"] == "$return");
                    break;
                case "queueTrigger":
                    Assert.Equal(target, (string?)t["queueName"]);
                    Assert.Equal("AzureWebJobsStorage", (string?)t["connection"]);
                    break;
                default:
                    Assert.Equal(target, (string?)t["schedule"]);
                    break;
            }
        }
    }

    [Fact]
    public void EveryEntryPoint_IsAFunctionMethodOfTheApp()
    {
        var app = typeof(Program).Assembly;
        foreach (var f in Metadata)
        {
            var name = (string)f!["name"]!;
            Assert.Equal("Bot.Functions.dll", (string?)f["scriptFile"]);
            Assert.Equal("dotnet-isolated", (string?)f["language"]);
            var entry = (string)f["entryPoint"]!;
            var dot = entry.LastIndexOf('.');
            var type = app.GetType(entry[..dot]);
            Assert.True(type is not null, $"{name}: entry point type {entry[..dot]} is not in {app.GetName().Name}");
            var method = type!.GetMethod(entry[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
            Assert.True(method is not null, $"{name}: {entry} is not a public method");
            Assert.Equal(name, method!.GetCustomAttribute<FunctionAttribute>()?.Name);
        }
    }

    [Fact]
    public void TheSweepSchedule_IsAnAppSettingWithADefaultThatParses()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Bot.TestKit.RepoPaths.Root, "local.settings.sample.json")))!;
        var schedule = (string?)sample["Values"]!["Sweep__Schedule"];
        Assert.Equal(Bot.Functions.Sweep.SweepTrigger.DefaultSchedule, schedule);
        NCrontab.CrontabSchedule.Parse(schedule, new NCrontab.CrontabSchedule.ParseOptions { IncludingSeconds = true });
    }
}

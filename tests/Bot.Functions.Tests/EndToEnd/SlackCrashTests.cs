using System.Net;
using Bot.Functions.Tests.Slack;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.EndToEnd;

/// <summary>
/// A Slack command is done before Slack is answered, with no claim row: the bot runs as its own process, gets a signed
/// <c>/release deploy</c>, is killed with SIGKILL a few milliseconds later, restarts, and the same delivery (same
/// <c>trigger_id</c>) arrives again. Whatever the kill interrupted, exactly one rollout exists afterwards and the state
/// remembers the delivery once: nothing was remembered as handled before it was, and nothing is done twice.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class SlackCrashTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>Kill delays after the request is sent, on both sides of the first attempt's commit.</summary>
    private static readonly int[] DelaysMs = [0, 10, 30, 100, 300, 1000];

    [Fact]
    public async Task Process_KilledAfterSlashDeploy_SameDeliveryAgainStartsExactlyOneRollout()
    {
        using var root = new TestAppRoot();
        var run = Guid.NewGuid().ToString("N")[..6];
        var services = DelaysMs.Select((_, i) => $"slk-{run}-{i}").ToList();
        foreach (var s in services) root.AddService(s, "setWeight: 10", "approval: {}", "promote: {}");
        var slack = new SlackRequests(TestAppRoot.SlackSigningSecret, "C0RELEASES", TimeProvider.System);

        var bot = await BotProcess.StartAsync(root, azurite.ConnectionString);
        var outcomes = new List<string>();
        try
        {
            for (var i = 0; i < DelaysMs.Length; i++)
            {
                var (service, delay, version) = (services[i], DelaysMs[i], $"2.0.{i}");
                var body = slack.CommandBody($"deploy {service} {version}", "U0ALICE01", triggerId: $"{run}.{i}");

                outcomes.Add($"trial {i}: " + await bot.KillWhileAsync(c => c.SendAsync(slack.Signed("/api/slack/commands", body)), delay));

                var restarted = DateTimeOffset.UtcNow;
                bot = await BotProcess.StartAsync(root, azurite.ConnectionString);
                using var client = bot.Client(null);
                var again = await client.SendAsync(slack.Signed("/api/slack/commands", body));
                Assert.Equal(HttpStatusCode.OK, again.StatusCode);
                outcomes[^1] += $"; same delivery again: {(int)again.StatusCode} '{await again.Content.ReadAsStringAsync()}'";

                // The invariant: exactly one rollout of the version, and the delivery remembered once in the state.
                using var api = bot.Client(TestAppRoot.DeployerKey);
                var list = await WaitForRolloutsAsync(api, service);
                Assert.True(list.Count == 1, $"trial {i}: {list.Count} rollouts of {service} ({outcomes[^1]})");
                Assert.Equal(version, (string?)list[0]!["version"]);
                var state = (await new Bot.Adapters.Storage.TableRolloutStore(azurite.CreateTableService()).GetAsync(service, default))!.Value;
                var record = Assert.Single(state.Deliveries, d => d.Id == $"slack-command:{run}.{i}");
                outcomes[^1] += record.At < restarted ? "; the killed process had committed it (the second was a repeat)" : "; the second started it";
            }
        }
        finally
        {
            try { bot.Dispose(); } catch (InvalidOperationException) { } // already disposed when a restart failed
            foreach (var line in outcomes) output.WriteLine(line);
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> WaitForRolloutsAsync(HttpClient api, string service)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(100))
        {
            var list = (await (await api.GetAsync($"/api/services/{service}/rollouts")).JsonAsync()).AsArray();
            if (list.Count > 0 || DateTime.UtcNow > deadline) return list;
        }
    }
}

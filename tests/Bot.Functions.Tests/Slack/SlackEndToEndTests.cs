using System.Net;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.Functions.Traffic;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Slack;

/// <summary>
/// The done-when: the real app (Program) against Azurite, the Slack double for the Web API and response_url,
/// the recording traffic router, and signed requests exactly as Slack sends them.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class SlackEndToEndTests(AzuriteFixture azurite)
{
    private const string Channel = "C0CHECKOUT1";

    [Fact]
    public async Task SlashDeploy_ThenClicks_PostsMessageApprovesByGroupMemberRefusesOthersIgnoresReplaysAnd401sStale()
    {
        using var root = new TestAppRoot();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {service}, name: primary}}\nchat: {{channel: {Channel}}}\n" +
            $"deployments: {{canary: {service}-canary, stable: {service}, image: \"registry.example.com/{service}:{{version}}\"}}\n" +
            "approvers: [\"@sre\"]\nsteps:\n  - setWeight: 10\n  - approval: {}\n  - setWeight: 100\n  - promote: {}\n");
        var slack = new SlackDouble().WithChannel(Channel)
            .WithUser("U0ALICE01", "alice").WithUser("U0BOB0001", "bob").WithUser("U0MALLORY", "mallory")
            .WithUserGroup("S0SRE0001", "U0BOB0001");
        await using var app = new BotApplication(azurite, root, services: s =>
        {
            s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
            s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
            s.Configure<SlackOptions>(o =>
            {
                o.RetryBaseDelay = TimeSpan.Zero;
                o.UserGroups["sre"] = "S0SRE0001";
            });
        });
        var http = app.CreateClient();
        var api = app.Client(TestAppRoot.DeployerKey);
        var requests = new SlackRequests(TestAppRoot.SlackSigningSecret, Channel, TimeProvider.System);

        // 1. /release deploy: started before Slack is answered, then the live message is posted with its buttons.
        var ack = await http.SendAsync(requests.Signed("/api/slack/commands", requests.CommandBody($"deploy {service} 1.4.2", "U0ALICE01")));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("", await ack.Content.ReadAsStringAsync()); // done before the answer: the reply is at response_url

        var id = await WaitAsync(async () => (await new TableRolloutStore(azurite.CreateTableService()).GetAsync(service, default))?.Value.Active?.Id);
        await api.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        var approveValue = await WaitAsync(() => Task.FromResult(ButtonValue(slack, "approve") is { } v && v.EndsWith("|1", StringComparison.Ordinal) ? v : null));
        Assert.NotNull(ButtonValue(slack, "rollback"));
        Assert.Equal([10], Weights(root));
        var message = Assert.Single(slack.Messages(Channel));
        Assert.Contains("1.4.2", message.Blocks!.ToJsonString());

        // 2. An unauthorized click: an ephemeral refusal naming who may approve; nothing changes.
        var replies = slack.ResponseUrlPosts.Count;
        var refused = await http.SendAsync(requests.Signed("/api/slack/interactions", requests.ClickBody("approve", approveValue, "U0MALLORY")));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var refusal = (await WaitAsync(() => Task.FromResult(slack.ResponseUrlPosts.Count > replies ? slack.ResponseUrlPosts[replies].Body : null)));
        Assert.Equal("ephemeral", (string?)refusal["response_type"]);
        Assert.Contains($"approvers of {service}: @sre", (string?)refusal["text"]);
        Assert.Contains("Nothing changed", (string?)refusal["text"]);
        Assert.Equal("waitingApproval", (string?)(await (await api.GetAsync($"/api/rollouts/{id}")).JsonAsync())["phase"]);
        Assert.Equal([10], Weights(root));

        // 3. A stale timestamp: 401, nothing changes (checked with the other no-ops below).
        var staleBody = requests.ClickBody("approve", approveValue, "U0BOB0001");
        var stale = await http.SendAsync(requests.Signed("/api/slack/interactions", staleBody, at: DateTimeOffset.UtcNow.AddMinutes(-6)));
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal("waitingApproval", (string?)(await (await api.GetAsync($"/api/rollouts/{id}")).JsonAsync())["phase"]);

        // 4. bob (in @sre) approves: the router moves to 100 and the live message is edited in place.
        var updatesBefore = slack.CallsTo("chat.update").Count;
        var click = requests.ClickBody("approve", approveValue, "U0BOB0001");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(requests.Signed("/api/slack/interactions", click))).StatusCode);
        await api.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "succeeded");
        Assert.Equal([10, 100, 0], Weights(root)); // after promote, stable (now the new version) serves all traffic
        // The edit goes through the notifications queue, after the traffic: wait for it.
        await WaitAsync(() => Task.FromResult(slack.CallsTo("chat.update").Count > updatesBefore ? "edited" : null));
        Assert.True(Assert.Single(slack.Messages(Channel)).Edits > message.Edits);
        var audit = await new TableAuditLog(azurite.CreateTableService()).ListAsync(service, id, default);
        Assert.Single(audit, e => e.Action.Contains("approve", StringComparison.OrdinalIgnoreCase) && e.By == new Actor("U0BOB0001", "bob", "slack"));

        // 5. The same click again (Slack retry or a replay): no work at all, so no reply. A later command's reply
        //    arriving shows the worker got past the point where the replay would have been handled.
        var repliesBefore = slack.ResponseUrlPosts.Count;
        var replay = requests.Signed("/api/slack/interactions", click);
        replay.Headers.Add(SlackSignature.RetryNumHeader, "1");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(replay)).StatusCode);
        await http.SendAsync(requests.Signed("/api/slack/commands", requests.CommandBody($"status {service}", "U0ALICE01")));
        var last = await WaitAsync(() => Task.FromResult(slack.ResponseUrlPosts.Count > repliesBefore ? slack.ResponseUrlPosts[repliesBefore].Body : null));
        Assert.Contains("succeeded", (string?)last["text"]);
        Assert.Equal(repliesBefore + 1, slack.ResponseUrlPosts.Count);
        Assert.Equal([10, 100, 0], Weights(root)); // after promote, stable (now the new version) serves all traffic
        Assert.Equal(audit.Count, (await new TableAuditLog(azurite.CreateTableService()).ListAsync(service, id, default)).Count);
        slack.AssertNoViolations();
    }

    [Fact]
    public async Task SlashFreeze_ByApprover_StoresFreezeWithReason_NonApproverRefusedAndNothingStored()
    {
        using var root = new TestAppRoot();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {service}, name: primary}}\napprovers: [\"@sre\"]\n" +
            $"deployments: {{canary: {service}-canary, stable: {service}, image: \"registry.example.com/{service}:{{version}}\"}}\n");
        var slack = new SlackDouble().WithChannel(Channel).WithUser("U0BOB0001", "bob").WithUser("U0MALLORY", "mallory")
            .WithUserGroup("S0SRE0001", "U0BOB0001");
        await using var app = new BotApplication(azurite, root, services: s =>
        {
            s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
            s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
            s.Configure<SlackOptions>(o => { o.RetryBaseDelay = TimeSpan.Zero; o.UserGroups["sre"] = "S0SRE0001"; });
        });
        var http = app.CreateClient();
        var api = app.Client(TestAppRoot.DeployerKey);
        var requests = new SlackRequests(TestAppRoot.SlackSigningSecret, Channel, TimeProvider.System);

        async Task<string> RunAsync(string text, string user)
        {
            var before = slack.ResponseUrlPosts.Count;
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(requests.Signed("/api/slack/commands", requests.CommandBody(text, user)))).StatusCode);
            return (string)(await WaitAsync(() => Task.FromResult(slack.ResponseUrlPosts.Count > before ? slack.ResponseUrlPosts[before].Body : null)))["text"]!;
        }
        async Task<JsonArray> FreezesAsync() => (JsonArray)JsonNode.Parse(await api.GetStringAsync("/api/freezes"))!;

        var refused = await RunAsync($"freeze {service} for 2h \"release train\"", "U0MALLORY");
        Assert.Contains($"approvers of {service}: @sre", refused);
        Assert.DoesNotContain(await FreezesAsync(), f => (string?)f!["scope"] == service);

        var frozen = await RunAsync($"freeze {service} for 2h \"release train\"", "U0BOB0001");
        Assert.Contains("release train", frozen);
        var stored = Assert.Single(await FreezesAsync(), f => (string?)f!["scope"] == service);
        Assert.Contains("release train", stored!.ToJsonString());

        var lifted = await RunAsync($"unfreeze {service}", "U0BOB0001");
        Assert.Contains($"Unfrozen {service}", lifted);
        Assert.DoesNotContain(await FreezesAsync(), f => (string?)f!["scope"] == service);
        slack.AssertNoViolations();
    }

    /// <summary>The canary weights the router was asked for, in order.</summary>
    private static List<int> Weights(TestAppRoot root) =>
        [.. FileRecordingTrafficRouter.Read(root.RecordFile).Where(c => c.Operation == "setWeight").Select(c => int.Parse(c.Argument!))];

    /// <summary>The value of the button <paramref name="actionId"/> on the channel's live message, as last edited.</summary>
    private static string? ButtonValue(SlackDouble slack, string actionId)
    {
        var blocks = slack.Messages(Channel).FirstOrDefault()?.Blocks;
        return blocks is null ? null : Find(blocks);

        string? Find(JsonNode? node) => node switch
        {
            JsonObject o when (string?)o["action_id"] == actionId => (string?)o["value"],
            JsonObject o => o.Select(p => Find(p.Value)).FirstOrDefault(v => v is not null),
            JsonArray a => a.Select(Find).FirstOrDefault(v => v is not null),
            _ => null,
        };
    }

    /// <summary>Polls until <paramref name="probe"/> returns a value (asynchronous work on a shared, noisy machine).</summary>
    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(100);
        }
        throw new TimeoutException("the expected Slack or engine state never appeared");
    }
}

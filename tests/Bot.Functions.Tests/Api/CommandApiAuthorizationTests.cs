using System.Net;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Api;

/// <summary>Issue 10: the command API authorizes like every other surface. API keys are identities: the key's name, or
/// the identity it is mapped to, is what <c>deployers</c>/<c>approvers</c> match; a key no list names may read, not act.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class CommandApiAuthorizationTests(AzuriteFixture azurite)
{
    private const string AliceKey = "alice-key-0123456789abcdef";
    private const string BobKey = "bob-key-0123456789abcdefgh";

    [Fact]
    public async Task KeyNoListNames_StartAndPromoteAre403NamingWhoMayAct_ChangeNothing_AndAreAuditedReadableThroughTheApi()
    {
        using var root = new TestAppRoot();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {service}, name: primary}}\n"
            + $"deployments: {{canary: {service}-canary, stable: {service}, image: \"registry.example.com/{service}:{{version}}\"}}\n"
            + "deployers: [U0BOB0001]\napprovers: [U0BOB0001]\npolicy: {distinctApprover: false}\n"
            + "steps:\n  - setWeight: 10\n  - approval: {}\n  - promote: {}\n");
        var settings = new Dictionary<string, string>
        {
            ["CommandApi:Keys:2:Name"] = "alice", ["CommandApi:Keys:2:Key"] = AliceKey,
            // bob's key stands for his Slack user ID, which the config names.
            ["CommandApi:Keys:3:Name"] = "bob", ["CommandApi:Keys:3:Key"] = BobKey, ["CommandApi:Keys:3:Identity"] = "U0BOB0001",
        };
        await using var app = new BotApplication(azurite, root, runTriggers: false, settings: settings);
        var alice = app.Client(AliceKey);
        var bob = app.Client(BobKey);
        var store = new TableRolloutStore(azurite.CreateTableService());

        var refusedStart = await alice.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        Assert.Equal(HttpStatusCode.Forbidden, refusedStart.StatusCode);
        Assert.Equal("application/problem+json", refusedStart.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"alice may not deploy {service}; deployers of {service}: U0BOB0001", (string)(await refusedStart.JsonAsync())["detail"]!);
        Assert.Null(await store.GetAsync(service, default));

        var started = await bob.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (string)(await started.JsonAsync())["rollout"]!["id"]!;
        var before = await store.GetAsync(service, default);
        var traffic = File.Exists(root.RecordFile) ? File.ReadAllLines(root.RecordFile).Length : 0;

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/rollouts/{id}")).StatusCode); // reading is allowed
        var refusedPromote = await alice.PostAsync($"/api/rollouts/{id}/promote", null);
        Assert.Equal(HttpStatusCode.Forbidden, refusedPromote.StatusCode);
        Assert.Contains($"approvers of {service}: U0BOB0001", (string)(await refusedPromote.JsonAsync())["detail"]!);
        Assert.Equal(before!.ETag, (await store.GetAsync(service, default))!.ETag);
        Assert.Equal(traffic, File.Exists(root.RecordFile) ? File.ReadAllLines(root.RecordFile).Length : 0);

        var audit = (JsonArray)await (await alice.GetAsync($"/api/services/{service}/audit")).JsonAsync();
        var refused = audit.Where(e => ((string)e!["action"]!).EndsWith("-refused", StringComparison.Ordinal)).ToList();
        Assert.Equal(["deploy-refused", "promote-refused"], refused.Select(e => (string)e!["action"]!));
        Assert.All(refused, e => Assert.Equal(("alice", "api"), ((string)e!["by"]!, (string)e["surface"]!)));
        Assert.Equal(id, (string)refused[1]!["rolloutId"]!);

        Assert.Equal(HttpStatusCode.OK, (await bob.PostAsync($"/api/rollouts/{id}/promote", null)).StatusCode);
    }
}

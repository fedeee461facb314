using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Api;

[Collection(AzuriteFixture.Collection)]
public sealed class CommandApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Rollout_SetWeightApprovalSetWeightPromote_WalksToSucceededWithAuditInAzurite()
    {
        using var root = new TestAppRoot();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        root.AddIssuePlan(service);
        await using var app = new BotApplication(azurite, root);
        var deployer = app.Client(TestAppRoot.DeployerKey);
        var approver = app.Client(TestAppRoot.ApproverKey);

        var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2", commit = "3f2c9e1" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
        Assert.EndsWith(Uri.EscapeDataString(id), start.Headers.Location!.ToString(), StringComparison.Ordinal);

        var waiting = await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        Assert.Equal(10, (int)waiting["canaryWeight"]!);

        var approve = await approver.PostAsync($"/api/rollouts/{id}/approve", null);
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);

        var done = await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "succeeded");
        Assert.Equal(0, (int)done["canaryWeight"]!); // promoted: stable runs the new version and serves all traffic

        var audit = new TableAuditLog(azurite.CreateTableService());
        var records = await audit.ListAsync(service, id, CancellationToken.None);
        Assert.Contains(records, e => e.To == RolloutPhase.Succeeded);
        Assert.Contains(records, e => e.Action.Contains("approve", StringComparison.OrdinalIgnoreCase) && e.By.Name == "approver" && e.By.Surface == "api");
        var viaApi = (JsonArray)await (await deployer.GetAsync($"/api/services/{service}/audit?rolloutId={id}")).JsonAsync();
        Assert.Equal(records.Count, viaApi.Count);

        var list = (JsonArray)await (await deployer.GetAsync($"/api/services/{service}/rollouts")).JsonAsync();
        Assert.Equal(id, (string)list[0]!["id"]!);
    }

    [Fact]
    public async Task Start_BadApiKey_Returns401AndChangesNothing()
    {
        using var root = new TestAppRoot();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        root.AddIssuePlan(service);
        await using var app = new BotApplication(azurite, root, runTriggers: false);

        var wrong = await app.Client("deployer-key-0123456789abcdeX").PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        var none = await app.Client(null).PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", wrong.Content.Headers.ContentType!.MediaType);
        Assert.Null(await new TableRolloutStore(azurite.CreateTableService()).GetAsync(service, CancellationToken.None));
    }

    [Fact]
    public async Task Commands_Refusals_MapTo404And409And400WithReasons()
    {
        using var root = new TestAppRoot();
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        root.AddService(service, "setWeight: 100", "promote: {}");
        await using var app = new BotApplication(azurite, root);
        var client = app.Client(TestAppRoot.DeployerKey);

        var unknownRollout = await client.GetAsync("/api/rollouts/nope-42");
        Assert.Equal(HttpStatusCode.NotFound, unknownRollout.StatusCode);
        Assert.Equal("application/problem+json", unknownRollout.Content.Headers.ContentType!.MediaType);
        Assert.Contains("nope-42", (string)(await unknownRollout.JsonAsync())["detail"]!, StringComparison.Ordinal);

        // Acting on an id the bot never issued answers 404 and writes nothing, whether the id names a service
        // (`nope-42`: read from the id, no state) or does not have the `{service}-{n}` form (looked up in the archive).
        foreach (var id0 in new[] { "nope-42", $"{service}-7", "not-a-rollout-id" })
        {
            var act = await client.PostAsync($"/api/rollouts/{id0}/approve", null);
            Assert.Equal(HttpStatusCode.NotFound, act.StatusCode);
            Assert.Contains(id0, (string)(await act.JsonAsync())["detail"]!, StringComparison.Ordinal);
        }
        var store = new TableRolloutStore(azurite.CreateTableService());
        Assert.Null(await store.GetAsync("nope", CancellationToken.None));
        Assert.Null(await store.GetAsync(service, CancellationToken.None));

        var unknownService = await client.PostJsonAsync("/api/rollouts", new { service = "no-such-service", version = "1.0.0" });
        Assert.Equal(HttpStatusCode.NotFound, unknownService.StatusCode);

        var malformed = await client.PostAsync("/api/rollouts", new StringContent("{\"service\":\"Bad Name\",\"colour\":1}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var errors = (JsonObject)(await malformed.JsonAsync())["errors"]!;
        Assert.True(errors.ContainsKey("service"));
        Assert.True(errors.ContainsKey("version"));
        Assert.True(errors.ContainsKey("colour"));

        var start = await client.PostJsonAsync("/api/rollouts", new { service, version = "2.0.0" });
        var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
        await client.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "succeeded");

        var late = await client.PostAsync($"/api/rollouts/{id}/approve", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((string?)(await late.JsonAsync())["detail"]));
    }

    [Fact]
    public async Task ApproveAndRollback_SameInstantHundredTimes_ExactlyOneWinsAndStateIsConsistent()
    {
        using var root = new TestAppRoot();
        var service = "race-" + Guid.NewGuid().ToString("N")[..8];
        // A second approval keeps the rollout active after an approve, which now runs setWeight 50 inline.
        root.AddService(service, "setWeight: 10", "approval: {}", "setWeight: 50", "approval: {}", "promote: {}");
        // No in-process listener: step messages are delivered to the RolloutSteps function's method, as the queue trigger does.
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        var deployer = app.Client(TestAppRoot.DeployerKey);
        var approver = app.Client(TestAppRoot.ApproverKey);
        var queues = azurite.CreateQueueService();
        var store = new TableRolloutStore(azurite.CreateTableService());

        for (var round = 0; round < 100; round++)
        {
            var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = $"1.0.{round}" });
            Assert.Equal(HttpStatusCode.Created, start.StatusCode);
            var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
            await DeliverStepsAsync(app, queues, root.Queue);

            using var gate = new ManualResetEventSlim();
            var approve = Task.Run(() => { gate.Wait(); return approver.PostAsync($"/api/rollouts/{id}/approve", null); });
            var rollback = Task.Run(() => { gate.Wait(); return deployer.PostJsonAsync($"/api/rollouts/{id}/rollback", new { reason = "race" }); });
            gate.Set();
            var (a, r) = (await approve, await rollback);

            // Rollback is allowed from every non-terminal state, so it always lands; approve lands only if first.
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"approve answered {(int)a.StatusCode}");
            var state = (await store.GetAsync(service, CancellationToken.None))!.Value;
            Assert.Null(state.Active);
            Assert.Empty(state.Pending);
            Assert.Equal(id, state.LastFinished!.Id);
            Assert.Equal(RolloutPhase.RolledBack, state.LastFinished.Phase);
            Assert.Equal(0, state.LastFinished.CanaryWeight);
            var audit = await new TableAuditLog(azurite.CreateTableService()).ListAsync(service, id, CancellationToken.None);
            Assert.Single(audit, e => e.To == RolloutPhase.RolledBack);
            Assert.True(audit.Count(e => e.Action == "approve") == (a.StatusCode == HttpStatusCode.OK ? 1 : 0));
            Assert.True(audit.Count(e => e.Action == "approve-refused") == (a.StatusCode == HttpStatusCode.OK ? 0 : 1));
            await queues.ClearAsync(root.Queue, CancellationToken.None);
        }
    }

    /// <summary>Delivers every visible step message through the RolloutSteps function's method, as a queue trigger does.</summary>
    private static async Task DeliverStepsAsync(BotApplication app, IQueueService queues, string queue)
    {
        while ((await queues.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(30), CancellationToken.None)) is { Count: > 0 } batch)
        {
            foreach (var m in batch)
            {
                // The function method both hosts invoke for a rollout-steps message, in a scope of its own.
                await using (var scope = app.Services.CreateAsyncScope())
                    await ActivatorUtilities.CreateInstance<Bot.Functions.Steps.RolloutStepsTrigger>(scope.ServiceProvider).RunAsync(m.Text, default);
                await queues.DeleteMessageAsync(queue, m.MessageId, m.PopReceipt, CancellationToken.None);
            }
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Traffic;

/// <summary>One hop from approve to traffic: the command that unblocks traffic applies the next step in its own invocation.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class OneHopTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task Start_RouteCheckFails_AnswersA422ProblemWithTheReason_NotStarted()
    {
        await using var k = await KubernetesTestCluster.StartAsync();
        using var root = new TestAppRoot();
        var service = "nors-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = Istio(k, root, service, "no-such-vs", "setWeight: 10", "approval: {}", "promote: {}");
        var deployer = app.Client(TestAppRoot.DeployerKey);

        var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, start.StatusCode);
        Assert.Equal("application/problem+json", start.Content.Headers.ContentType!.MediaType);
        var body = await start.JsonAsync();
        var detail = (string)body["detail"]!;
        Assert.StartsWith($"{service}-1 failed: route check failed before any traffic moved", detail, StringComparison.Ordinal);
        Assert.Contains("no-such-vs", detail, StringComparison.Ordinal);
        Assert.Equal($"{service}-1", (string?)body["rolloutId"]);
        Assert.Equal("failed", (string?)(await (await deployer.GetAsync($"/api/rollouts/{service}-1")).JsonAsync())["phase"]);
    }

    [Fact]
    public async Task Approve_WhenTheAnswerReturns_TheNextSetWeightIsPatchedWithoutAStepMessage()
    {
        await using var k = await KubernetesTestCluster.StartAsync();
        using var root = new TestAppRoot();
        var service = "hop-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = Istio(k, root, service, "checkout", "setWeight: 10", "approval: {}", "setWeight: 50", "approval: {}", "promote: {}");
        var deployer = app.Client(TestAppRoot.DeployerKey);
        var approver = app.Client(TestAppRoot.ApproverKey);
        var queues = azurite.CreateQueueService();
        await queues.CreateIfNotExistsAsync(root.Queue, default);

        var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
        var delivered = await DeliverStepsAsync(app, queues, root.Queue); // what the queue trigger would do (nothing, with one hop)
        var waiting = await (await deployer.GetAsync($"/api/rollouts/{id}")).JsonAsync();
        Assert.Equal("waitingApproval", (string?)waiting["phase"]);
        Assert.Equal((90, 10), k.Weights());
        var patchesBefore = k.Api.Requests.Count(r => r.Method == "PATCH");

        var clock = Stopwatch.StartNew();
        var approve = await approver.PostAsync($"/api/rollouts/{id}/approve", null);
        var answered = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);

        // When the answer is back, the double already took the PATCH for setWeight 50; nothing waits in rollout-steps.
        Assert.Equal((50, 50), k.Weights());
        var patch = Assert.Single(k.Api.Requests.Where(r => r.Method == "PATCH").Skip(patchesBefore));
        Assert.Equal(200, patch.Status);
        Assert.Contains(JsonNode.Parse(patch.Body!)!.AsArray(), op => ((string?)op!["path"])!.EndsWith("/weight", StringComparison.Ordinal) && (int?)op["value"] == 50);
        Assert.Empty(await queues.PeekAsync(root.Queue, 32, default));
        var view = await (await deployer.GetAsync($"/api/rollouts/{id}")).JsonAsync();
        Assert.Equal("waitingApproval", (string?)view["phase"]);
        Assert.Equal(50, (int)view["canaryWeight"]!);
        var state = (await new TableRolloutStore(azurite.CreateTableService()).GetAsync(service, default))!.Value;
        Assert.Empty(state.Pending);
        output.WriteLine($"approve answered in {answered.TotalMilliseconds:0} ms, after PATCH setWeight 50; step messages delivered after start: {delivered}");
    }


    /// <summary>Delivers every visible step message through the RolloutSteps function's method, as a queue trigger does; returns how many.</summary>
    /// <summary>The app on the Istio router against <paramref name="k"/>, for <paramref name="service"/> re-weighting
    /// VirtualService <paramref name="virtualService"/> of the sample; no queue listener, no timers: only the HTTP answers
    /// move the rollout.</summary>
    private BotApplication Istio(KubernetesTestCluster k, TestAppRoot root, string service, string virtualService, params string[] steps)
    {
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {virtualService}, name: primary, destinationRule: checkout}}\n"
            + "deployments: {canary: checkout-canary, stable: checkout-stable, image: \"registry.example.com/shop/checkout:{version}\"}\n"
            + "steps:\n" + string.Concat(steps.Select(x => $"  - {x}\n")));
        return new BotApplication(azurite, root, runTriggers: false, settings: new Dictionary<string, string>
        {
            ["Traffic:Mode"] = "istio",
            ["Kubernetes:KubeconfigPath"] = k.Options.KubeconfigPath!,
            ["Kubernetes:RetryBaseDelay"] = "00:00:00.001",
        });
    }

    private static async Task<int> DeliverStepsAsync(BotApplication app, IQueueService queues, string queue)
    {
        var count = 0;
        while ((await queues.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(30), default)) is { Count: > 0 } batch)
        {
            foreach (var m in batch)
            {
                // The function method both hosts invoke for a rollout-steps message, in a scope of its own.
                await using (var scope = app.Services.CreateAsyncScope())
                    await ActivatorUtilities.CreateInstance<Bot.Functions.Steps.RolloutStepsTrigger>(scope.ServiceProvider).RunAsync(m.Text, default);
                await queues.DeleteMessageAsync(queue, m.MessageId, m.PopReceipt, default);
                count++;
            }
        }
        return count;
    }
}

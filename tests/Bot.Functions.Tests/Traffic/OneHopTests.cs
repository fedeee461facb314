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


    /// <summary>
    /// A Slack Approve click on the real app (standalone host, queue functions on) against the Kubernetes double: the
    /// click is done before Slack is answered, so when the answer is back the double already took the PATCH for the next
    /// weight, and nothing was put on a queue for it. Without the click nothing moves. <c>scripts/walk</c> runs both cases
    /// under coverage and lists the files whose code ran more with the click: the walk of a Slack Approve click.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SlackApproveClick_TheNextSetWeightIsPatchedBeforeSlackIsAnswered(bool click)
    {
        await using var k = await KubernetesTestCluster.StartAsync();
        using var root = new TestAppRoot();
        var service = "walk-" + Guid.NewGuid().ToString("N")[..8];
        var slack = new Bot.TestKit.Slack.SlackDouble().WithUser("U0BOB0001", "bob");
        await using var app = Istio(k, root, service, "checkout", ["setWeight: 10", "approval: {}", "setWeight: 50", "approval: {}", "promote: {}"],
            runTriggers: true, approvers: "[U0BOB0001]", services: s =>
            {
                s.AddHttpClient<Bot.Adapters.Slack.SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
                s.AddHttpClient(nameof(Bot.Adapters.Slack.SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
            });
        var deployer = app.Client(TestAppRoot.DeployerKey);
        var http = app.CreateClient();
        var queues = azurite.CreateQueueService();
        var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        // Step 0 goes through rollout-steps; waited for in the store (not the API), so both cases run the same app code.
        var store = new TableRolloutStore(azurite.CreateTableService());
        for (var deadline = DateTime.UtcNow.AddSeconds(30); (await store.GetAsync(service, default))?.Value.Active?.Phase != Bot.Core.Rollouts.RolloutPhase.WaitingApproval; await Task.Delay(100))
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the rollout never waited for approval");
        await Task.Delay(TimeSpan.FromSeconds(1)); // the start's tail (notices, audit) is done, as when a person answers
        var before = (await store.GetAsync(service, default))!;
        var waiting = before.Value.Active!;
        Assert.Equal((Bot.Core.Rollouts.RolloutPhase.WaitingApproval, 1), (waiting.Phase, waiting.StepIndex));
        Assert.Equal((90, 10), k.Weights());
        var patchesBefore = k.Api.Requests.Count(r => r.Method == "PATCH");
        var button = new Bot.Adapters.Slack.SlackActionValue(waiting.Id, waiting.Revision, waiting.StepIndex).Encode();

        if (click)
        {
            var requests = new Slack.SlackRequests(TestAppRoot.SlackSigningSecret, "C0CHECKOUT1", TimeProvider.System);
            var answer = await http.SendAsync(requests.Signed("/api/slack/interactions", requests.ClickBody("approve", button, "U0BOB0001")));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("", await answer.Content.ReadAsStringAsync()); // done before the answer: its reply went to response_url

            Assert.Equal((50, 50), k.Weights());
            var patch = Assert.Single(k.Api.Requests.Where(r => r.Method == "PATCH").Skip(patchesBefore));
            Assert.Contains(JsonNode.Parse(patch.Body!)!.AsArray(), op => ((string?)op!["path"])!.EndsWith("/weight", StringComparison.Ordinal) && (int?)op["value"] == 50);
            Assert.Empty(await queues.PeekAsync(root.SlackQueue, 32, default));
            Assert.Empty(await queues.PeekAsync(root.Queue, 32, default));
            var approved = (await store.GetAsync(service, default))!.Value.Active!;
            Assert.Equal((Bot.Core.Rollouts.RolloutPhase.WaitingApproval, 3, 50), (approved.Phase, approved.StepIndex, approved.CanaryWeight));
        }
        else
        {
            await Task.Delay(TimeSpan.FromSeconds(1)); // as long as a click would take, so background work runs alike
            Assert.Equal((90, 10), k.Weights());
            Assert.Equal(patchesBefore, k.Api.Requests.Count(r => r.Method == "PATCH"));
            Assert.Equal(before.ETag, (await store.GetAsync(service, default))!.ETag); // the state was not written
        }
        slack.AssertNoViolations();
    }

    /// <summary>Delivers every visible step message through the RolloutSteps function's method, as a queue trigger does; returns how many.</summary>
    /// <summary>The app on the Istio router against <paramref name="k"/>, for <paramref name="service"/> re-weighting
    /// VirtualService <paramref name="virtualService"/> of the sample; no queue listener, no timers (unless
    /// <c>runTriggers</c>): only the HTTP answers move the rollout.</summary>
    private BotApplication Istio(KubernetesTestCluster k, TestAppRoot root, string service, string virtualService, params string[] steps) =>
        Istio(k, root, service, virtualService, steps, runTriggers: false);

    private BotApplication Istio(KubernetesTestCluster k, TestAppRoot root, string service, string virtualService, string[] steps,
        bool runTriggers, string? approvers = null, Action<IServiceCollection>? services = null)
    {
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {virtualService}, name: primary, destinationRule: checkout}}\n"
            + "deployments: {canary: checkout-canary, stable: checkout-stable, image: \"registry.example.com/shop/checkout:{version}\"}\n"
            + (approvers is null ? "" : $"approvers: {approvers}\n")
            + "steps:\n" + string.Concat(steps.Select(x => $"  - {x}\n")));
        return new BotApplication(azurite, root, runTriggers: runTriggers, services: services, settings: new Dictionary<string, string>
        {
            ["Traffic:Mode"] = "istio",
            ["Kubernetes:KubeconfigPath"] = k.Options.KubeconfigPath!,
            ["Kubernetes:RetryBaseDelay"] = "00:00:00.001",
            ["Sweep:Schedule"] = "0 0 0 1 1 *", // no sweep while the test runs (with runTriggers): only requests move the rollout
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

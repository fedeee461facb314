using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Notifications;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.GitHub;
using Bot.TestKit.Kubernetes;
using Bot.TestKit.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;
using Bot.Functions.Hosting;

namespace Bot.Functions.Tests.Notifications;

/// <summary>
/// Issue 9, finding 2: notifications go through the durable <c>notifications</c> outbox and its own function, so GitHub's
/// and Slack's rate limits never delay traffic. The real app (Program) runs against Azurite, the Kubernetes API double
/// (Istio router), and the GitHub and Slack contract doubles answering their rate limits as the vendors do.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class NotificationOutboxTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const string Channel = "C0CHECKOUT1";
    private const string Sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e";
    private static readonly RepoRef Repo = new("Codertocat", "Hello-World");

    /// <summary>The vendors ask for 30 s (Slack) and 60 s (GitHub). Before the outbox the executor waited these out inside
    /// the per-service lock, so no traffic change could happen sooner; this budget is shorter than either wait, so a
    /// traffic change that waited for a vendor cannot fit in it. It bounds the operation, not its latency (printed).</summary>
    private static readonly TimeSpan ShorterThanAnyRetryAfter = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task VendorsRateLimited_ApproveAndRollback_MoveTrafficWhileEveryVendorCallIsRefused()
    {
        await using var rig = await Rig.StartAsync(azurite, "  - setWeight: 10\n  - approval: {}\n  - setWeight: 50\n  - approval: {}\n  - promote: {}\n");
        rig.GitHub.RateLimitNext(int.MaxValue, secondary: true, retryAfter: TimeSpan.FromSeconds(60));
        rig.Slack.RateLimitAll(retryAfterSeconds: 30);

        var id = await rig.StartRolloutAsync();
        await rig.Deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        Assert.Equal(10, rig.CanaryWeight());
        // The outbox has been trying: both vendors were called and refused every call.
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(rig.GitHub.Requests.Count > 0 && rig.Slack.Calls.Count > 0));

        // Approve: answered, and the next step's PATCH lands, while GitHub and Slack refuse everything.
        using (var budget = new CancellationTokenSource(ShorterThanAnyRetryAfter))
        {
            var atPatch = rig.VendorCallsAtNextWrite();
            var sent = Stopwatch.GetTimestamp();
            var approve = await rig.Approver.PostAsync($"/api/rollouts/{id}/approve", null, budget.Token);
            var answered = Stopwatch.GetElapsedTime(sent);
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
            var seen = await atPatch.WaitAsync(budget.Token);
            await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(rig.CanaryWeight() == 50));
            output.WriteLine($"approve: answered in {answered.TotalMilliseconds:F0} ms; canary 50 PATCH after {Stopwatch.GetElapsedTime(sent, seen.At).TotalMilliseconds:F0} ms; " +
                             $"vendor calls by then: GitHub {seen.GitHub} (refused {seen.GitHubRefused}), Slack {seen.Slack} (refused {seen.SlackRefused})");
            Assert.True(seen.GitHub > 0 && seen.Slack > 0, "the vendors were being called while traffic moved");
            Assert.Equal(seen.GitHub, seen.GitHubRefused);
            Assert.Equal(seen.Slack, seen.SlackRefused);
        }

        await rig.Deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval" && (int?)r["stepIndex"] == 3);

        // Rollback: canary 0 at the cluster when the command answers, still with every vendor call refused.
        using (var budget = new CancellationTokenSource(ShorterThanAnyRetryAfter))
        {
            var atPatch = rig.VendorCallsAtNextWrite();
            var sent = Stopwatch.GetTimestamp();
            var rollback = await rig.Deployer.PostJsonAsync($"/api/rollouts/{id}/rollback", new { reason = "p99 latency up" }).WaitAsync(budget.Token);
            var answered = Stopwatch.GetElapsedTime(sent);
            Assert.Equal(HttpStatusCode.OK, rollback.StatusCode);
            Assert.Equal(0, rig.CanaryWeight());
            var seen = await atPatch.WaitAsync(budget.Token);
            output.WriteLine($"rollback: canary 0 PATCH after {Stopwatch.GetElapsedTime(sent, seen.At).TotalMilliseconds:F0} ms; answered in {answered.TotalMilliseconds:F0} ms; " +
                             $"vendor calls by then: GitHub {seen.GitHub} (refused {seen.GitHubRefused}), Slack {seen.Slack} (refused {seen.SlackRefused})");
            Assert.Equal(seen.GitHub, seen.GitHubRefused);
            Assert.Equal(seen.Slack, seen.SlackRefused);
        }

        var audit = (JsonArray)await (await rig.Deployer.GetAsync($"/api/services/{rig.Service}/audit?rolloutId={id}")).JsonAsync();
        Assert.Contains(audit, e => (string?)e!["action"] == "rollback");
        Assert.Empty(rig.GitHub.CheckRuns);
        Assert.Empty(rig.Slack.Messages(Channel));
        // Nothing was given up: the notices wait on the queue for the vendors' Retry-After, none is poisoned.
        Assert.Empty(await WorkQueueProbe.PoisonReasonsAsync(azurite, rig.Root.NotificationsQueue));
        rig.Slack.AssertNoViolations();
        Assert.Empty(rig.GitHub.Violations);
    }

    [Fact]
    public async Task VendorsRecover_DeferredNotices_AreDeliveredWithTheLatestStateAndEveryThreadReply()
    {
        await using var rig = await Rig.StartAsync(azurite, "  - setWeight: 10\n  - approval: {}\n  - promote: {}\n");
        rig.GitHub.RateLimitNext(int.MaxValue, secondary: true, retryAfter: TimeSpan.FromSeconds(1));
        rig.Slack.RateLimitAll(retryAfterSeconds: 1);

        var id = await rig.StartRolloutAsync();
        await rig.Deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(rig.GitHub.Requests.Count > 0 && rig.Slack.RateLimitedCalls > 0));
        var refused = (GitHub: rig.GitHub.Requests.Count, Slack: rig.Slack.RateLimitedCalls);

        rig.GitHub.RateLimitNext(0, secondary: true);
        rig.Slack.StopRateLimiting();
        var recovered = Stopwatch.GetTimestamp();

        // The live message and the check run end on the latest state (waiting for approval, with its buttons) ...
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(
            rig.Slack.Messages(Channel) is [var m] && m.Blocks?.ToJsonString().Contains("\"approve\"", StringComparison.Ordinal) == true
            && rig.GitHub.CheckRuns.Values.SingleOrDefault() is { } run && run["actions"] is JsonArray { Count: > 0 } actions
            && actions.Any(a => ((string?)a!["identifier"])?.StartsWith("approve/", StringComparison.Ordinal) == true)));
        // ... and every thread event is in the thread: the step-done and waiting-for-approval replies.
        var live = Assert.Single(rig.Slack.Messages(Channel));
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(rig.Slack.Thread(Channel, live.Ts).Count == 2));
        // The deployment status follows the check run in the same delivery: wait for it rather than race it.
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(rig.GitHub.DeploymentStatuses.Any(s => (string?)s.Status["state"] == "in_progress")));
        output.WriteLine($"refused before recovery: GitHub {refused.GitHub}, Slack {refused.Slack}; delivered {Stopwatch.GetElapsedTime(recovered).TotalMilliseconds:F0} ms after the vendors recovered");

        var checkRun = Assert.Single(rig.GitHub.CheckRuns.Values);
        Assert.Equal("in_progress", (string?)checkRun["status"]);
        Assert.Equal(id, (string?)checkRun["external_id"]);
        Assert.Contains(rig.GitHub.DeploymentStatuses, s => (string?)s.Status["state"] == "in_progress");
        Assert.Empty(await WorkQueueProbe.PoisonReasonsAsync(azurite, rig.Root.NotificationsQueue));
        rig.Slack.AssertNoViolations();
        Assert.Empty(rig.GitHub.Violations);
    }

    [Fact]
    public async Task DeliverAsync_OlderEditAfterNewer_LatestWinsAndTheOlderOnlyPostsItsThreadReply()
    {
        var slack = new SlackDouble().WithChannel(Channel);
        var tables = azurite.CreateTableService();
        var queues = azurite.CreateQueueService();
        var notifier = new SlackNotifier(slack.CreateClient(TimeProvider.System), new TableSlackMessageStore(tables, AzuriteFixture.NewName("slackmsg")),
            TimeProvider.System, NullLogger<SlackNotifier>.Instance);
        var queue = new WorkQueue<NotificationWork>(queues, AzuriteFixture.NewName("notices"));
        var delivery = new NotificationDelivery([new NotificationTarget("slack", _ => notifier)], new ServiceCollection().BuildServiceProvider(),
            new TableNoticeLedger(tables, AzuriteFixture.NewName("noticestate")), queue, Options.Create(new NotificationOptions()),
            NullLogger<NotificationDelivery>.Instance);

        var waiting = SlackRolloutSamples.Waiting();
        var rolledBack = waiting with { Phase = RolloutPhase.RolledBack, CanaryWeight = 0, Reason = "p99 latency up", FinishedAt = waiting.UpdatedAt.AddMinutes(2), UpdatedAt = waiting.UpdatedAt.AddMinutes(2) };
        var older = new NotificationWork("slack", 1, new Notify(NoticeKind.WaitingApproval, "checkout-7 waiting for approval", waiting) { RolloutId = waiting.Id });
        var newer = new NotificationWork("slack", 2, new Notify(NoticeKind.RolledBack, "checkout-7 rolled back by alice: p99 latency up", rolledBack) { RolloutId = waiting.Id });

        // The queue hands them over out of order (a retry, a deferral, two instances): the newer one first.
        var first = await delivery.DeliverAsync(newer, default);
        var second = await delivery.DeliverAsync(older, default);
        output.WriteLine(first);
        output.WriteLine(second);

        var live = Assert.Single(slack.Messages(Channel));
        Assert.Empty(slack.CallsTo("chat.update")); // the older snapshot never overwrote the newer one
        Assert.DoesNotContain("\"approve\"", live.Blocks?.ToJsonString() ?? "", StringComparison.Ordinal);
        Assert.Contains("rolled back", (live.Text ?? "") + (live.Blocks?.ToJsonString() ?? ""), StringComparison.OrdinalIgnoreCase);
        var thread = slack.Thread(Channel, live.Ts);
        Assert.Equal(2, thread.Count); // both thread events kept
        Assert.Contains(thread, t => t.Text!.Contains("waiting for approval", StringComparison.Ordinal));

        // The same older notice again (a redelivery): nothing new anywhere.
        await delivery.DeliverAsync(older, default);
        Assert.Equal(2, slack.Thread(Channel, live.Ts).Count);
        Assert.Empty(slack.CallsTo("chat.update"));
        slack.AssertNoViolations();
    }

    [Fact]
    public async Task SlackRefusesEveryPost_Notices_EndInPoisonWithTheReasonAndTrafficStillMoves()
    {
        using var root = new TestAppRoot(maxDequeueCount: 2);
        var service = "co-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {service}, name: primary}}\nchat: {{channel: {Channel}}}\n" +
            $"deployments: {{canary: {service}-canary, stable: {service}, image: \"registry.example.com/{service}:{{version}}\"}}\n" +
            "steps:\n  - setWeight: 10\n  - approval: {}\n  - promote: {}\n");
        var slack = new SlackDouble(); // the channel does not exist: chat.postMessage answers channel_not_found
        await using var app = new BotApplication(azurite, root, services: s =>
        {
            s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
            s.Configure<SlackOptions>(o => o.RetryBaseDelay = TimeSpan.Zero);
        });
        var deployer = app.Client(TestAppRoot.DeployerKey);

        var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
        var waiting = await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        Assert.Equal(10, (int)waiting["canaryWeight"]!);

        // The latest notice (waiting for approval) always tries the edit, so it is refused every time and poisoned; older
        // ones are poisoned too unless they were coalesced away first (a superseded Started has no thread reply to post).
        var queues = azurite.CreateQueueService();
        IReadOnlyList<PeekedMessage> poisoned = [];
        await WorkQueueProbe.WaitUntilAsync(async () =>
            (poisoned = await queues.PeekAsync(QueueListener.PoisonQueueOf(root.NotificationsQueue), 32, default))
            .Any(m => NotificationWork.Parse(m.Text).Notice.Kind == NoticeKind.WaitingApproval));
        Assert.All(poisoned, m => Assert.Equal(id, NotificationWork.Parse(m.Text).Notice.RolloutId));
        var reasons = await WorkQueueProbe.PoisonReasonsAsync(azurite, root.NotificationsQueue);
        Assert.NotEmpty(reasons);
        Assert.All(reasons, r => Assert.Contains("channel_not_found", r, StringComparison.Ordinal));
        Assert.All(slack.CallsTo("chat.postMessage"), c => Assert.Equal(Channel, (string?)c.Args["channel"]));
    }

    /// <summary>What GitHub and Slack had been asked, and had refused, when the cluster received a write.</summary>
    private sealed record VendorCalls(int GitHub, int GitHubRefused, int Slack, int SlackRefused, long At);

    /// <summary>The app (Program) over Azurite with the Istio router on the Kubernetes double (infra/kubernetes/sample), the
    /// Slack double and the GitHub double (an app installed on <see cref="Repo"/>), and a service routed to checkout.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(KubernetesTestCluster cluster, TestAppRoot root, string service, SlackDouble slack, GitHubDouble github, RSA key, BotApplication app)
        {
            Cluster = cluster; Root = root; Service = service; Slack = slack; GitHub = github; _key = key; App = app;
            Deployer = app.Client(TestAppRoot.DeployerKey);
            Approver = app.Client(TestAppRoot.ApproverKey);
        }

        private readonly RSA _key;
        public KubernetesTestCluster Cluster { get; }
        public TestAppRoot Root { get; }
        public string Service { get; }
        public SlackDouble Slack { get; }
        public GitHubDouble GitHub { get; }
        public BotApplication App { get; }
        public HttpClient Deployer { get; }
        public HttpClient Approver { get; }

        public static async Task<Rig> StartAsync(AzuriteFixture azurite, string steps)
        {
            var cluster = await KubernetesTestCluster.StartAsync();
            var root = new TestAppRoot();
            var service = "co-" + Guid.NewGuid().ToString("N")[..8];
            File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
                $"service: {service}\nnamespace: shop\nroute: {{virtualService: checkout, name: primary, destinationRule: checkout}}\n" +
                "deployments: {canary: checkout-canary, stable: checkout-stable, image: \"registry.example.com/shop/checkout:{version}\"}\n" +
                $"chat: {{channel: {Channel}}}\ngithub: {{repo: {Repo.FullName}}}\nsteps:\n{steps}");
            var slack = new SlackDouble().WithChannel(Channel);
            var key = RSA.Create(2048);
            var github = new GitHubDouble(TimeProvider.System) { AppKey = key, AppIssuer = GitHubTestApp.ClientId };
            github.AddInstallation(99, Repo);
            var app = new BotApplication(azurite, root, services: s =>
            {
                s.AddSingleton<ITrafficRouter>(cluster.Router);
                s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
                s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
                s.Configure<SlackOptions>(o => o.RetryBaseDelay = TimeSpan.Zero);
                s.AddHttpClient(GitHubConnection.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => github);
            }, settings: new Dictionary<string, string>
            {
                ["GitHub:ClientId"] = GitHubTestApp.ClientId,
                ["GitHub:PrivateKey"] = key.ExportPkcs8PrivateKeyPem(),
                ["GitHub:WebhookSecret"] = GitHubTestApp.WebhookSecret,
            });
            return new Rig(cluster, root, service, slack, github, key, app);
        }

        public async Task<string> StartRolloutAsync()
        {
            var start = await Deployer.PostJsonAsync("/api/rollouts", new { service = Service, version = "1.4.2", commit = Sha, repository = Repo.FullName });
            Assert.Equal(HttpStatusCode.Created, start.StatusCode);
            return (string)(await start.JsonAsync())["rollout"]!["id"]!;
        }

        /// <summary>The canary weight of the <c>primary</c> route as the cluster holds it now.</summary>
        public int CanaryWeight()
        {
            var vs = Cluster.Api.Get("virtualservices", "shop", "checkout")!;
            var route = vs["spec"]!["http"]!.AsArray().First(h => (string?)h!["name"] == "primary")!["route"]!.AsArray();
            return route.Where(d => (string?)d!["destination"]!["subset"] == "canary").Sum(d => (int?)d!["weight"] ?? 0);
        }

        /// <summary>Completes, at the cluster's next write, with what the vendors had been asked and refused by then.</summary>
        public Task<VendorCalls> VendorCallsAtNextWrite()
        {
            var seen = new TaskCompletionSource<VendorCalls>(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Api.BeforeNextWrite(_ =>
            {
                var github = GitHub.Requests.ToArray();
                var slack = Slack.Counts;
                seen.TrySetResult(new VendorCalls(github.Length, github.Count(r => r.Status is 403 or 429), slack.Calls, slack.RateLimited, Stopwatch.GetTimestamp()));
            });
            return seen.Task;
        }

        public async ValueTask DisposeAsync()
        {
            Deployer.Dispose();
            Approver.Dispose();
            await App.DisposeAsync();
            await Cluster.DisposeAsync();
            Root.Dispose();
            _key.Dispose();
        }
    }
}

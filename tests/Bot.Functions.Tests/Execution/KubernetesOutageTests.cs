using System.Diagnostics;
using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Adapters.Storage;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Execution;

/// <summary>
/// Issue 9, findings 3-5 end to end: the production executor, Istio router and Deployment controller over HTTPS against the
/// Kubernetes API double, state and audit in Azurite. The API fails for a while (500, 503, 429 with Retry-After, 409, dropped
/// connections): rollouts wait and continue, a rollback asked for meanwhile is applied afterwards, and no notice or audit entry
/// claims a weight the cluster never took. The clock is fake; step messages are delivered by hand at their due time.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class KubernetesOutageTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Service = "checkout";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingScheduler _scheduler = new();
    private readonly RecordingNotifier _notifier = new();
    private KubernetesTestCluster _k = null!;
    private IRolloutStore _store = null!;
    private IAuditLog _audit = null!;
    private RolloutExecutor _executor = null!;
    private int _delivered;

    public async Task InitializeAsync()
    {
        // One client retry per call (as in production, just fewer): the executor's own back-off is what is under test.
        _k = await KubernetesTestCluster.StartAsync(new KubernetesOptions { MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(1) });
        var tables = azurite.CreateTableService();
        var storage = new StorageOptions { RolloutsTable = AzuriteFixture.NewName("ro"), AuditTable = AzuriteFixture.NewName("au") };
        _store = new TableRolloutStore(tables, storage);
        _audit = new TableAuditLog(tables, storage);
        _executor = new RolloutExecutor(_store, _k.Router, _k.Deployments, _notifier, _scheduler, _audit, RolloutMachine.Decide, _clock);
    }

    public async Task DisposeAsync() => await _k.DisposeAsync();

    private static ReleaseConfig Config() => new()
    {
        Service = Service,
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
        Deployments = new DeploymentSpec { Canary = "checkout-canary", Stable = "checkout-stable", ImageTemplate = "registry.example.com/shop/checkout:{version}" },
        Steps = [new SetWeightStep(40), new SetWeightStep(50), new PromoteStep()],
        Source = "checkout.yaml",
    };

    /// <summary>(stable, canary) of route <c>primary</c> as stored in the double.</summary>
    private (int Stable, int Canary) Weights()
    {
        var vs = _k.Api.Get("virtualservices", "shop", "checkout")!;
        var route = (vs["spec"]!["http"] as JsonArray)!.Single(h => (string?)h!["name"] == "primary")!["route"] as JsonArray;
        int Weight(string subset) => (int?)route!.Single(d => (string?)d!["destination"]!["subset"] == subset)!["weight"] ?? 0;
        return (Weight("stable"), Weight("canary"));
    }

    private async Task<ServiceState> StateAsync() => (await _store.GetAsync(Service, default))!.Value;

    /// <summary>Delivers the next scheduled step message, moving the fake clock to its time; prints how long the run took.</summary>
    private async Task<ExecutionResult> DeliverNextAsync(string what)
    {
        var (m, at) = _scheduler.Scheduled[_delivered++];
        if (at > _clock.GetUtcNow()) _clock.SetUtcNow(at);
        var watch = Stopwatch.StartNew();
        var result = await _executor.ExecuteAsync(m.Service, new StepDue(m.RolloutId, m.StepIndex) { By = Actor.Timer }, CancellationToken.None);
        output.WriteLine($"{what}: step {m.StepIndex + 1} at +{(at - new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero)).TotalSeconds}s "
            + $"took {watch.ElapsedMilliseconds} ms; {string.Join(" | ", result.Notes)}");
        return result;
    }

    /// <summary>Delivers every step message scheduled so far and any they schedule, in order.</summary>
    private async Task DeliverAllAsync(string what)
    {
        while (_delivered < _scheduler.Scheduled.Count) await DeliverNextAsync(what);
    }

    private TimeSpan NextDelay() => _scheduler.Scheduled[^1].At - _clock.GetUtcNow();

    private async Task<string> StartAt40Async()
    {
        var started = await _executor.ExecuteAsync(Service, new StartRollout("2.0.0", Config()) { By = new Actor("ann", "ann", "api") }, CancellationToken.None);
        Assert.True(started.Decision.Accepted, started.Decision.Refused?.Message);
        await DeliverNextAsync("setWeight 40");
        Assert.Equal((60, 40), Weights());
        Assert.Equal(40, (await StateAsync()).Active!.CanaryWeight);
        return started.Rollout!.Id;
    }

    [Fact]
    public async Task ApiFailsForAWhile_RolloutWaitsContinuesAfterwardsAndIsNeverRolledBack()
    {
        var id = await StartAt40Async();
        var noticesBefore = _notifier.Notices.Count;

        _k.Api.StartOutage(500, 429, 409, 0, 503);
        var delays = new List<double>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await DeliverNextAsync($"outage attempt {attempt}");
            var during = (await StateAsync()).Active!;
            Assert.Equal((id, "Progressing", 1, 40), (during.Id, during.Phase.ToString(), during.StepIndex, during.CanaryWeight));
            Assert.Equal((60, 40), Weights());
            delays.Add(NextDelay().TotalSeconds);
        }
        Assert.Equal([2, 4, 8, 16], delays);
        var failedRequests = _k.Api.OutageFailures;
        _k.Api.EndOutage();

        // Back, but the object keeps changing under the bot: the router gives up after its conflict attempts (409), a wait again.
        for (var i = 0; i < _k.Options.MaxConflictAttempts; i++) _k.Api.FailNext(409, null, "PATCH");
        await DeliverNextAsync("409 gave up");
        Assert.Equal((1, 40), ((await StateAsync()).Active!.StepIndex, (await StateAsync()).Active!.CanaryWeight));
        Assert.Equal(32, NextDelay().TotalSeconds);

        var during50 = _notifier.Notices.Skip(noticesBefore).Select(n => n.Text).ToList();
        output.WriteLine($"{failedRequests} API requests failed during the outage; notices meanwhile:\n  {string.Join("\n  ", during50)}");
        Assert.DoesNotContain(during50, t => t.Contains("50%", StringComparison.Ordinal) && !t.Contains("canary stays at 40%", StringComparison.Ordinal));
        Assert.Contains(during50, t => t.Contains("the Kubernetes API failed", StringComparison.Ordinal) && t.Contains("not rolled back", StringComparison.Ordinal));

        await DeliverNextAsync("API answers");
        Assert.Equal((50, 50), Weights());
        var after = (await StateAsync()).Active!;
        Assert.Equal(("Progressing", 2, 50), (after.Phase.ToString(), after.StepIndex, after.CanaryWeight));
        Assert.Contains(_notifier.Notices.Skip(noticesBefore), n => n.Text.Contains("done: canary at 50%", StringComparison.Ordinal));

        // Promote with deployments: all traffic to the canary, stable moves to 2.0.0, then all traffic back to stable.
        await DeliverNextAsync("promote");
        Assert.Equal((0, 100), Weights());
        _k.Api.CompleteRollout("shop", "checkout-stable");
        await DeliverNextAsync("stable ready");
        Assert.Equal((100, 0), Weights());
        var stableImage = (string?)_k.Api.Get("deployments", "shop", "checkout-stable")!["spec"]!["template"]!["spec"]!["containers"]![0]!["image"];
        Assert.Equal("registry.example.com/shop/checkout:2.0.0", stableImage);

        var final = await StateAsync();
        Assert.Null(final.Active);
        Assert.Equal(("Succeeded", 0), (final.LastFinished!.Phase.ToString(), final.LastFinished.CanaryWeight));
        var audit = await _audit.ListAsync(Service, id, default);
        Assert.DoesNotContain(audit, e => e.Action is "rollback" or "fail" || e.To.ToString() is "RolledBack" or "Failed");
        Assert.Equal(2, audit.Count(e => e.Action == "step")); // setWeight 40 and 50, each once, each after the cluster took it
        Assert.DoesNotContain(_notifier.Notices, n => n.Text.Contains("traffic back to stable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RollbackAskedForDuringTheOutage_StaysRollingBackAndIsAppliedWhenTheApiReturns()
    {
        var id = await StartAt40Asking50DuringOutageAsync();

        var rollback = await _executor.ExecuteAsync(Service, new Rollback(id) { By = new Actor("bob", "bob", "api"), Reason = "errors up" }, CancellationToken.None);
        Assert.True(rollback.Decision.Accepted, rollback.Decision.Refused?.Message);
        var rolling = (await StateAsync()).Active!;
        Assert.Equal((id, "RollingBack", 40), (rolling.Id, rolling.Phase.ToString(), rolling.CanaryWeight));
        Assert.Null((await StateAsync()).LastFinished);
        Assert.Equal((60, 40), Weights());

        await DeliverNextAsync("rollback retry during outage");
        Assert.Equal("RollingBack", (await StateAsync()).Active!.Phase.ToString());
        Assert.DoesNotContain(_notifier.Notices, n => n.Text.Contains("traffic back to stable", StringComparison.Ordinal));
        Assert.Contains(_notifier.Notices, n => n.Text.Contains("traffic stays at canary 40%", StringComparison.Ordinal));

        _k.Api.EndOutage();
        await DeliverAllAsync("after the outage");

        Assert.Equal((100, 0), Weights());
        var final = await StateAsync();
        Assert.Null(final.Active);
        Assert.Equal((id, "RolledBack", 0, "errors up"), (final.LastFinished!.Id, final.LastFinished.Phase.ToString(), final.LastFinished.CanaryWeight, final.LastFinished.Reason));
        var last = _notifier.Notices[^1];
        Assert.Contains("traffic back to stable", last.Text);
        Assert.Equal(0, last.Snapshot.CanaryWeight);
        var audit = await _audit.ListAsync(Service, id, default);
        Assert.Equal(1, audit.Count(e => e.To.ToString() == "RolledBack"));
        Assert.DoesNotContain(audit, e => e.To.ToString() == "Failed");
    }

    private async Task<string> StartAt40Asking50DuringOutageAsync()
    {
        var id = await StartAt40Async();
        _k.Api.StartOutage(503, 0);
        await DeliverNextAsync("setWeight 50 during outage");
        Assert.Equal((60, 40), Weights());
        return id;
    }
}

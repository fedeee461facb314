using System.Diagnostics;
using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Adapters.Storage;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Traffic;

/// <summary>Finding 6 (scale-out regresses traffic): two bot instances, each its own executor stack (store client, router, Kubernetes
/// client, lock, scheduler; no shared memory) on one Azurite and one Kubernetes API double, drain the same pending effects.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class ScaleOutFenceTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoInstances_SlowInstancesLateSetTraffic10_IsDroppedAfterTheOtherWrote50()
    {
        await using var k = await KubernetesTestCluster.StartAsync();
        var service = "fence-" + Guid.NewGuid().ToString("N")[..8];
        var config = new ReleaseConfig
        {
            Service = service,
            Namespace = "shop",
            Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
            Deployments = new DeploymentSpec { Canary = "checkout-canary", Stable = "checkout-stable", ImageTemplate = "registry.example.com/shop/checkout:{version}" },
            Steps = [new SetWeightStep(10), new SetWeightStep(50), new ApprovalStep(), new PromoteStep()],
            Source = $"{service}.yaml",
        };
        var a = new Instance(azurite, k);
        var b = new Instance(azurite, k);
        var clock = Stopwatch.StartNew();

        // Instance A decides step 0 (setWeight 10) and commits it as pending; its PATCH is slow to reach the API server.
        var hold = k.Api.HoldNext("PATCH", "/virtualservices/checkout");
        var slow = Task.Run(async () =>
        {
            var results = new List<ExecutionResult> { await a.Executor.ExecuteAsync(service, new StartRollout("1.4.2", config) { By = Configs.Deployer }, default) };
            results.AddRange(await a.DeliverScheduledAsync());
            return results;
        });
        await hold.Arrived.WaitAsync(TimeSpan.FromSeconds(60));
        var held = clock.Elapsed;

        // Instance B (the sweep's reconcile, or another step message) drains the same pending effects and goes on to 50.
        var reconciled = await b.Executor.ReconcileAsync(service, default);
        Assert.NotNull(reconciled);
        await b.DeliverScheduledAsync();
        Assert.Equal((50, 50), k.Weights());
        var wrote50 = clock.Elapsed;

        hold.Release();
        var slowResults = await slow;
        var done = clock.Elapsed;
        output.WriteLine($"A's PATCH held at {held.TotalMilliseconds:0} ms; B at 50 at {wrote50.TotalMilliseconds:0} ms; A finished at {done.TotalMilliseconds:0} ms");

        Assert.Equal((50, 50), k.Weights());
        var notes = slowResults.SelectMany(r => r.Notes).ToList();
        foreach (var n in notes) output.WriteLine("A: " + n);
        Assert.Contains(notes, n => n.Contains("stale traffic write dropped", StringComparison.Ordinal));
        var vs = k.Api.Get("virtualservices", "shop", "checkout")!;
        Assert.Equal(2, VirtualServiceRoutes.RecordedSequence(vs, "primary"));
        var state = (await new TableRolloutStore(azurite.CreateTableService()).GetAsync(service, default))!.Value;
        Assert.Equal(RolloutPhase.WaitingApproval, state.Active!.Phase);
        Assert.Equal(50, state.Active.CanaryWeight);
        Assert.Equal(2, state.TrafficSequence);
        Assert.Empty(state.Pending);
    }


    /// <summary>One bot instance: nothing shared with another but Azurite and the Kubernetes API.</summary>
    private sealed class Instance
    {
        private readonly RecordingScheduler _scheduler = new();
        private int _delivered;

        public Instance(AzuriteFixture azurite, KubernetesTestCluster k)
        {
            var clients = new KubernetesClientFactory(k.Options, TimeProvider.System);
            var deployments = new KubernetesDeploymentController(clients, k.Options);
            Executor = new RolloutExecutor(
                new TableRolloutStore(azurite.CreateTableService()),
                new IstioTrafficRouter(clients, k.Options, deployments),
                deployments,
                new RecordingNotifier(),
                _scheduler,
                new TableAuditLog(azurite.CreateTableService()),
                RolloutMachine.Decide,
                TimeProvider.System,
                new ExecutorOptions(),
                new KeyedLock());
        }

        public RolloutExecutor Executor { get; }

        /// <summary>Delivers the step messages this instance enqueued, as its queue listener would (due now in this test).</summary>
        public async Task<List<ExecutionResult>> DeliverScheduledAsync()
        {
            var results = new List<ExecutionResult>();
            while (_delivered < _scheduler.Scheduled.Count)
            {
                var (m, _) = _scheduler.Scheduled[_delivered++];
                results.Add(await Executor.ExecuteAsync(m.Service, new StepDue(m.RolloutId, m.StepIndex) { By = Actor.Timer }, default));
            }
            return results;
        }
    }
}

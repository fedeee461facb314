using Bot.Functions.Hosting;
using Bot.Functions.Steps;
using System.Diagnostics;
using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Functions.Sweep;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Options;

namespace Bot.Benchmarks;

/// <summary>
/// The timer's cost at scale: 10,000 active rollouts stored in Azurite, 1% of them overdue. Prints the sweep's wall
/// time (target ≤ 2 s) and this process's memory (target ≤ 300 MB). The sweep reads the due index's past partitions
/// only, so the 9,900 waiting rollouts cost nothing.
/// </summary>
public sealed class SweepBenchmark : IBenchmark
{
    private const int Rollouts = 10_000;
    private const int DuePercent = 1;

    public string Name => "sweep";
    public string Description => $"{Rollouts:N0} active rollouts in Azurite, {DuePercent}% due: sweep time and process memory";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var tables = azurite.CreateTableService();
        var queues = azurite.CreateQueueService();
        var storage = new StorageOptions();
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(now);
        var options = new SweepOptions();
        var store = new TableRolloutStore(tables, storage);
        var index = new TableDueIndex(tables);
        var scheduler = new QueueStepScheduler(new WorkQueue<StepWork>(queues, Bot.Functions.Steps.RolloutStepsTrigger.Queue), clock);
        var notifier = new RecordingNotifier();
        var executor = new RolloutExecutor(store, new RecordingTrafficRouter(), new NullDeploymentController(), notifier, scheduler,
            new TableAuditLog(tables, storage), RolloutMachine.Decide, clock);
        var sweeper = new DueSweeper(index, store, scheduler, executor, clock, Options.Create(options));

        // Seed: every rollout waits on a step; 1% are overdue past the grace, the rest due within the next week.
        var seed = Stopwatch.StartNew();
        var dueCount = Rollouts * DuePercent / 100;
        await Parallel.ForEachAsync(Enumerable.Range(0, Rollouts), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (i, token) =>
        {
            var service = $"svc-{i:D5}";
            var dueAt = i < dueCount ? now - TimeSpan.FromMinutes(5) : now + TimeSpan.FromMinutes(1 + (i % 10_000));
            var config = new ReleaseConfig
            {
                Service = service, Namespace = "shop",
                Route = new RouteSpec { VirtualService = service, RouteName = "primary", DestinationRule = service },
                Deployments = new DeploymentSpec { Canary = $"{service}-canary", Stable = service, ImageTemplate = $"registry.example.com/{service}:{{version}}" },
                Steps = [new SetWeightStep(10), new PauseStep(TimeSpan.FromHours(2)), new SetWeightStep(50), new PromoteStep()],
            };
            var rollout = new RolloutState
            {
                Id = $"{service}-1", Service = service, Version = "1.4.2", Config = config, Phase = RolloutPhase.Progressing,
                StepIndex = 1, CanaryWeight = 10, StartedBy = Actor.System, CreatedAt = now.AddHours(-1), UpdatedAt = now.AddHours(-1),
                StepStartedAt = now.AddHours(-1), NextDueAt = dueAt,
            };
            await store.SaveAsync(new ServiceState { Service = service, Active = rollout, Sequence = 1 }, null, token);
            await index.SetAsync(new DueItem(service, rollout.Id, 1, DueKind.Step, dueAt), token);
        });
        seed.Stop();
        report.WriteLine($"seeded {Rollouts:N0} rollouts + index rows in {seed.Elapsed.TotalSeconds:0.0} s ({dueCount} overdue)");

        GC.Collect();
        var list = Stopwatch.StartNew();
        var listed = await index.ListDueAsync(now, options.MaxItems, ct);
        list.Stop();

        // Cold: the first sweep of a fresh process (JIT, connections, queue creation) with 1% due.
        var cold = Stopwatch.StartNew();
        var first = await sweeper.RunAsync(ct);
        cold.Stop();
        // Warm: the same 100 rollouts are overdue again one grace later (their re-enqueued messages "lost" too).
        clock.Advance(options.OverdueGrace + TimeSpan.FromSeconds(1));
        var warm = Stopwatch.StartNew();
        var again = await sweeper.RunAsync(ct);
        warm.Stop();
        var idleWatch = Stopwatch.StartNew();
        var idle = await sweeper.RunAsync(ct);
        idleWatch.Stop();

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var workingSetMb = self.WorkingSet64 / (1024.0 * 1024.0);
        var peakMb = self.PeakWorkingSet64 / (1024.0 * 1024.0);
        var managedMb = GC.GetTotalMemory(false) / (1024.0 * 1024.0);

        report.WriteLine($"index read alone (past partitions only): {list.Elapsed.TotalMilliseconds,6:0} ms for {listed.Count} rows");
        report.WriteLine($"sweep, {dueCount} due, cold process : {cold.Elapsed.TotalMilliseconds,6:0} ms   re-enqueued {first.Requeued}, failures {first.Failures.Count}");
        report.WriteLine($"sweep, {dueCount} due, warm         : {warm.Elapsed.TotalMilliseconds,6:0} ms   re-enqueued {again.Requeued}, failures {again.Failures.Count}   (target <= 2000 ms)  {(warm.Elapsed.TotalSeconds <= 2 ? "OK" : "MISSED")}");
        report.WriteLine($"sweep, nothing overdue        : {idleWatch.Elapsed.TotalMilliseconds,6:0} ms   read {idle.Due} rows inside the grace");
        report.WriteLine($"process memory            : {workingSetMb,8:0} MB working set, peak {peakMb:0} MB, managed heap {managedMb:0} MB   (target <= 300 MB)  {(peakMb <= 300 ? "OK" : "MISSED")}");
    }
}

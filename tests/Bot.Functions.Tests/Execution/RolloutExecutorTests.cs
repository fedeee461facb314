using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.TestKit;

namespace Bot.Functions.Tests.Execution;

public sealed class RolloutExecutorTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryRolloutStore _store = new();
    private readonly RecordingTrafficRouter _recorder = new();
    private readonly FailingRouter _router;
    private readonly RecordingScheduler _scheduler = new();
    private readonly RecordingAuditLog _audit = new();
    private readonly RecordingNotifier _notifier = new();
    private int _scheduledDone;

    public RolloutExecutorTests() => _router = new FailingRouter(_recorder);

    private RolloutExecutor CreateSut(RolloutDecider? decide = null) =>
        new(_store, _router, new NullDeploymentController(), _notifier, _scheduler, _audit, decide ?? RolloutMachine.Decide, _time);

    private static StartRollout Start(string version = "1.4.2") => new(version, Configs.Checkout()) { By = Configs.Deployer };

    /// <summary>Delivers every step message scheduled so far, moving the clock to each one's time.</summary>
    private async Task DeliverScheduledAsync(RolloutExecutor sut)
    {
        while (_scheduledDone < _scheduler.Scheduled.Count)
        {
            var (m, at) = _scheduler.Scheduled[_scheduledDone++];
            if (at > _time.GetUtcNow()) _time.SetUtcNow(at);
            await sut.ExecuteAsync(m.Service, new StepDue(m.RolloutId, m.StepIndex) { By = Actor.Timer }, CancellationToken.None);
        }
    }

    private int[] Weights => [.. _recorder.Calls.Where(c => c.Operation == "setWeight").Select(c => int.Parse(c.Argument!))];

    [Fact]
    public async Task ExecuteAsync_PlanWithApproval_WalksToSucceededAndAppliesEachWeightOnce()
    {
        var sut = CreateSut();
        var started = await sut.ExecuteAsync("checkout-api", Start(), CancellationToken.None);
        Assert.True(started.Decision.Accepted, started.Decision.Refused?.Message);
        await DeliverScheduledAsync(sut);
        var id = started.Rollout!.Id;
        Assert.Equal(RolloutPhase.WaitingApproval, (await _store.GetAsync("checkout-api", default))!.Value.Active!.Phase);

        var approved = await sut.ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, CancellationToken.None);
        Assert.True(approved.Decision.Accepted, approved.Decision.Refused?.Message);
        await DeliverScheduledAsync(sut);

        var final = (await _store.GetAsync("checkout-api", default))!.Value;
        Assert.Null(final.Active);
        Assert.Equal(RolloutPhase.Succeeded, final.LastFinished!.Phase);
        Assert.Empty(final.Pending);
        Assert.Equal([10, 100, 0], Weights); // after promote, stable (now the new version) serves all traffic
        Assert.Contains(_audit.Entries, e => e.To == RolloutPhase.Succeeded);
        Assert.Equal(RolloutPhase.Succeeded, (await _store.FindAsync(id, default))!.Phase);
    }

    /// <summary>Drives a rollout to its approval and returns what a caller (the command pipeline) would have read.</summary>
    private async Task<(RolloutExecutor Sut, string Id, Versioned<ServiceState> Seen)> AtApprovalAsync()
    {
        var sut = CreateSut();
        var started = await sut.ExecuteAsync("checkout-api", Start(), CancellationToken.None);
        await DeliverScheduledAsync(sut);
        var seen = (await _store.GetAsync("checkout-api", default))!;
        Assert.Equal(RolloutPhase.WaitingApproval, seen.Value.Active!.Phase);
        return (sut, started.Rollout!.Id, seen);
    }

    [Fact]
    public async Task ExecuteAsync_WithTheCallersFreshRead_DecidesOnItWithoutReadingAgain()
    {
        var (sut, id, seen) = await AtApprovalAsync();
        var reads = _store.Reads;

        var approved = await sut.ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, seen, CancellationToken.None);

        Assert.True(approved.Decision.Accepted, approved.Decision.Refused?.Message);
        Assert.Equal(reads, _store.Reads);
        Assert.Equal([10, 100, 0], Weights); // the approve ran the rest of the plan inline, promote included
    }

    [Fact]
    public async Task ExecuteAsync_CallersReadIsOlderThanThisProcessKnows_ReadsAgain()
    {
        var (sut, id, seen) = await AtApprovalAsync();
        // This executor commits after the caller read: the caller's copy is stale and must not be decided on.
        var paused = await sut.ExecuteAsync("checkout-api", new Pause(id) { By = Configs.Deployer }, CancellationToken.None);
        Assert.True(paused.Decision.Accepted, paused.Decision.Refused?.Message);
        var reads = _store.Reads;

        var approved = await sut.ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, seen, CancellationToken.None);

        Assert.Equal(reads + 1, _store.Reads);
        Assert.False(approved.Decision.Accepted); // decided on the paused state it read, not on the caller's copy
        Assert.Equal([10], Weights);
    }

    [Fact]
    public async Task ExecuteAsync_AnotherInstanceWroteAfterTheCallersRead_TheCommitFailsAndItRedecidesOnAFreshRead()
    {
        var (_, id, seen) = await AtApprovalAsync();
        // Another instance (its own executor) pauses the rollout after the caller read.
        var other = CreateSut();
        Assert.True((await other.ExecuteAsync("checkout-api", new Pause(id) { By = Configs.Deployer }, CancellationToken.None)).Decision.Accepted);
        var fresh = CreateSut(); // knows no ETag yet: takes the caller's copy first
        var reads = _store.Reads;

        var approved = await fresh.ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, seen, CancellationToken.None);

        Assert.Equal(reads + 1, _store.Reads);
        Assert.False(approved.Decision.Accepted, "the approve was decided on the stale copy and committed over the pause");
        Assert.Equal(RolloutPhase.Paused, (await _store.GetAsync("checkout-api", default))!.Value.Active!.Phase);
        Assert.Equal([10], Weights);
    }

    [Fact]
    public async Task ExecuteAsync_CrashAfterApplyingBeforeClearing_NextRunReappliesPendingWithoutDuplicates()
    {
        var saves = 0;
        _store.BeforeSave = _ => { if (++saves == 2) throw new IOException("killed"); };
        var sut = CreateSut();
        await Assert.ThrowsAsync<IOException>(() => sut.ExecuteAsync("checkout-api", Start(), CancellationToken.None));
        var left = (await _store.GetAsync("checkout-api", default))!.Value;
        Assert.NotEmpty(left.Pending);

        _store.BeforeSave = null;
        var again = await CreateSut().ExecuteAsync("checkout-api", new StepDue(left.Active!.Id, left.Active.StepIndex) { By = Actor.Timer }, CancellationToken.None);

        Assert.Contains(again.Applied, e => e is SetTraffic { CanaryWeight: 10 });
        Assert.Empty((await _store.GetAsync("checkout-api", default))!.Value.Pending);
        Assert.Equal([10], Weights);
    }

    [Fact]
    public async Task ExecuteAsync_StateChangedWhileDeciding_RereadsAndRedecides()
    {
        var sut = CreateSut();
        var started = await sut.ExecuteAsync("checkout-api", Start(), CancellationToken.None);
        var interfered = false;
        _store.BeforeSave = service =>
        {
            if (interfered) return;
            interfered = true;
            // Another process rewrites the row (same content, new ETag) between our read and our write.
            _store.Overwrite(_store.GetAsync(service, default).Result!.Value);
        };

        var paused = await sut.ExecuteAsync("checkout-api", new Pause(started.Rollout!.Id) { By = Configs.Approver }, CancellationToken.None);

        Assert.True(paused.Decision.Accepted, paused.Decision.Refused?.Message);
        Assert.Contains(paused.Notes, n => n.Contains("re-read", StringComparison.Ordinal));
        Assert.Equal(RolloutPhase.Paused, (await _store.GetAsync("checkout-api", default))!.Value.Active!.Phase);
    }

    [Fact]
    public async Task ExecuteAsync_RouterReportsDrift_FeedsEffectFailedMarkedAsDrift()
    {
        var seen = new List<RolloutInput>();
        RolloutDecider spy = (s, i, now) => { seen.Add(i); return RolloutMachine.Decide(s, i, now); };
        var sut = CreateSut(spy);
        await sut.ExecuteAsync("checkout-api", Start(), CancellationToken.None);
        _router.NextSetWeightFailure = new TrafficDriftException("weights changed by hand", 10, 40);
        var (m, _) = _scheduler.Scheduled.Single();

        var result = await sut.ExecuteAsync(m.Service, new StepDue(m.RolloutId, m.StepIndex) { By = Actor.Timer }, CancellationToken.None);

        var failed = Assert.Single(seen.OfType<EffectFailed>());
        Assert.True(failed.IsDrift);
        Assert.IsType<SetTraffic>(failed.Effect);
        Assert.DoesNotContain(result.Applied, e => e is ScheduleStep);
        Assert.Empty(Weights);
        Assert.Empty((await _store.GetAsync("checkout-api", default))!.Value.Pending);
    }

    [Fact]
    public async Task ExecuteAsync_OtherEffectFailure_FeedsEffectFailedWithTheError()
    {
        var seen = new List<RolloutInput>();
        RolloutDecider spy = (s, i, now) => { seen.Add(i); return RolloutMachine.Decide(s, i, now); };
        var sut = CreateSut(spy);
        await sut.ExecuteAsync("checkout-api", Start(), CancellationToken.None);
        _router.NextSetWeightFailure = new HttpRequestException("connection refused");
        await DeliverScheduledAsync(sut);

        var failed = Assert.Single(seen.OfType<EffectFailed>());
        Assert.False(failed.IsDrift);
        Assert.Contains("connection refused", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_RefusedCommand_WritesNothing()
    {
        var result = await CreateSut().ExecuteAsync("checkout-api", new Approve("checkout-api-1") { By = Configs.Approver }, CancellationToken.None);

        Assert.False(result.Decision.Accepted);
        Assert.Equal(0, _store.Saves);
        Assert.Empty(_recorder.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_ApproveAndRollbackConcurrently_ExactlyOneWinsEachTime()
    {
        for (var round = 0; round < 100; round++)
        {
            var service = $"svc-{round}";
            // A second approval keeps the rollout active after an approve, which now runs the next steps inline.
            var config = Configs.Checkout(service) with
            {
                Steps = [new Bot.Core.Config.SetWeightStep(10), new Bot.Core.Config.ApprovalStep(), new Bot.Core.Config.SetWeightStep(50), new Bot.Core.Config.ApprovalStep(), new Bot.Core.Config.PromoteStep()],
            };
            // Separate executors (no shared lock) so the race is decided by ETags alone, as between two processes.
            var a = CreateSut();
            var b = CreateSut();
            var started = await a.ExecuteAsync(service, new StartRollout("2.0.0", config) { By = Configs.Deployer }, CancellationToken.None);
            await DeliverScheduledAsync(a);
            var id = started.Rollout!.Id;

            var results = await Task.WhenAll(
                Task.Run(() => a.ExecuteAsync(service, new Approve(id) { By = Configs.Approver }, CancellationToken.None)),
                Task.Run(() => b.ExecuteAsync(service, new Rollback(id) { By = Configs.Approver, Reason = "race" }, CancellationToken.None)));

            var state = (await _store.GetAsync(service, default))!.Value;
            var rollback = results[1];
            Assert.True(rollback.Decision.Accepted, rollback.Decision.Refused?.Message); // rollback is allowed from any non-terminal state
            Assert.Equal(RolloutPhase.RolledBack, state.LastFinished!.Phase);
            Assert.Null(state.Active);
            Assert.Empty(state.Pending);
            // The approval either landed first (then was overtaken by the rollback) or was refused as too late.
            var audits = _audit.Entries.Where(e => e.RolloutId == id).ToList();
            Assert.True(audits.Count(e => e.To == RolloutPhase.RolledBack) == 1, string.Join("\n", audits));
        }
    }
}

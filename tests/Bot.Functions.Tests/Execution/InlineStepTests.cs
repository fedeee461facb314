using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.TestKit;

namespace Bot.Functions.Tests.Execution;

/// <summary>One hop: a step due now runs in the invocation that decided it, bounded by <see cref="ExecutorOptions.MaxFeedbackRounds"/>.</summary>
public sealed class InlineStepTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly InMemoryRolloutStore _store = new();
    private readonly RecordingTrafficRouter _router = new();
    private readonly RecordingScheduler _scheduler = new();

    private RolloutExecutor CreateSut(int maxFeedbackRounds = 8) =>
        new(_store, _router, new NullDeploymentController(), new RecordingNotifier(), _scheduler, new RecordingAuditLog(), RolloutMachine.Decide, _time,
            new ExecutorOptions { MaxFeedbackRounds = maxFeedbackRounds });

    private int[] Weights => [.. _router.Calls.Where(c => c.Operation == "setWeight").Select(c => int.Parse(c.Argument!))];

    private int _delivered;

    private async Task DeliverScheduledAsync(RolloutExecutor sut)
    {
        while (_delivered < _scheduler.Scheduled.Count)
        {
            var (m, _) = _scheduler.Scheduled[_delivered++];
            await sut.ExecuteAsync(m.Service, new StepDue(m.RolloutId, m.StepIndex) { By = Actor.Timer }, default);
        }
    }

    private async Task<string> StartToApprovalAsync(RolloutExecutor sut, ReleaseConfig config)
    {
        var started = await sut.ExecuteAsync("checkout-api", new StartRollout("1.4.2", config) { By = Configs.Deployer }, default);
        await DeliverScheduledAsync(sut); // step messages still run one step each
        Assert.Equal(RolloutPhase.WaitingApproval, (await _store.GetAsync("checkout-api", default))!.Value.Active!.Phase);
        return started.Rollout!.Id;
    }

    [Fact]
    public async Task Approve_AppliesTheStepsItMakesDueInline_NoStepMessage()
    {
        var sut = CreateSut();
        var id = await StartToApprovalAsync(sut, Configs.Checkout());
        var messages = _scheduler.Scheduled.Count;

        var approved = await sut.ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, default);

        Assert.Equal(RolloutPhase.Succeeded, approved.State.LastFinished!.Phase);
        Assert.Equal([10, 100, 0], Weights);
        Assert.Equal(messages, _scheduler.Scheduled.Count);
        // setWeight 10, setWeight 100, promote's 100 (already in place: only the sequence is recorded), then back to stable.
        Assert.Equal([1L, 2L, 3L, 4L], _router.Calls.Where(c => c.Operation is "setWeight" or "fence").Select(c => c.Sequence!.Value));
        Assert.Empty((await _store.GetAsync("checkout-api", default))!.Value.Pending);
    }

    [Fact]
    public async Task Approve_MoreDueStepsThanFeedbackRounds_PastTheBoundTheStepIsEnqueued()
    {
        var config = Configs.Checkout() with { Steps = [new ApprovalStep(), new SetWeightStep(10), new SetWeightStep(20), new SetWeightStep(30), new PromoteStep()] };
        var sut = CreateSut(maxFeedbackRounds: 2);
        var id = await StartToApprovalAsync(sut, config);
        var messages = _scheduler.Scheduled.Count;

        var approved = await sut.ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, default);

        // The first due step is decided with the approve; each accepted write is a feedback round: 10, then 20, then the bound.
        Assert.Equal([10, 20], Weights);
        Assert.Equal(messages + 1, _scheduler.Scheduled.Count);
        var (message, _) = _scheduler.Scheduled[^1];
        Assert.Equal(3, message.StepIndex);
        Assert.Equal(3, approved.State.Active!.StepIndex);
        await DeliverScheduledAsync(sut);
        Assert.Equal([10, 20, 30, 100, 0], Weights);
    }

    [Fact]
    public async Task CrashAfterTheInlineStepsTrafficWrite_NextInvocationReappliesItOnce()
    {
        var sut = CreateSut();
        var id = await StartToApprovalAsync(sut, Configs.Checkout());
        var saves = 0;
        // Save 1 commits the approve with the due step's SetTraffic 100 pending; dying at save 2 is after the PATCH.
        _store.BeforeSave = _ => { if (++saves == 2) throw new IOException("killed"); };
        await Assert.ThrowsAsync<IOException>(() => CreateSut().ExecuteAsync("checkout-api", new Approve(id) { By = Configs.Approver }, default));
        var left = (await _store.GetAsync("checkout-api", default))!.Value;
        Assert.Contains(left.Pending, e => e is SetTraffic { CanaryWeight: 100 });
        Assert.Equal([10, 100], Weights);

        _store.BeforeSave = null;
        await CreateSut().ReconcileAsync("checkout-api", default); // what the sweep does
        await DeliverScheduledAsync(sut);

        Assert.Equal(RolloutPhase.Succeeded, (await _store.GetAsync("checkout-api", default))!.Value.LastFinished!.Phase);
        Assert.Equal([10, 100, 0], Weights);
        Assert.Empty((await _store.GetAsync("checkout-api", default))!.Value.Pending);
    }
}

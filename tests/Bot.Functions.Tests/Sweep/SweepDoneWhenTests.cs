using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Functions.Sweep;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Sweep;

[Collection(SchedAzuriteCollection.Name)]
public class SweepDoneWhenTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Thursday = new(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task RunAsync_LostStepMessage_RecoveredAfterGraceAndEachStepRunsOnce()
    {
        var h = new SweepHarness(azurite, Thursday);
        await h.StartAsync(SweepHarness.Config([new SetWeightStep(10), new SetWeightStep(50), new PromoteStep()]));
        await h.LoseMessagesAsync();

        var early = await h.Sweeper.RunAsync(default);
        Assert.Equal(0, early.Requeued); // inside the grace: the listener may just not have polled yet
        Assert.Equal(0, await h.PumpAsync());

        h.Clock.Advance(h.Options.OverdueGrace + TimeSpan.FromSeconds(1));
        var sweep = await h.Sweeper.RunAsync(default);
        Assert.Equal(1, sweep.Requeued);
        Assert.Empty(sweep.Failures);
        await h.PumpAsync();

        Assert.Equal(RolloutPhase.Succeeded, (await h.StateAsync()).LastFinished!.Phase);
        Assert.Equal(["setWeight 10", "setWeight 50", "setWeight 100", "setWeight 0"], h.Weights);

        // Later sweeps find nothing to do: the rows left behind no longer apply and are dropped.
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        var after = await h.Sweeper.RunAsync(default);
        Assert.Equal(0, after.Requeued);
        Assert.Empty(await h.Index.ListDueAsync(h.Clock.GetUtcNow(), 100, default));
    }

    [Fact]
    public async Task RunAsync_LateNotLostMessage_DuplicateRunsNothingTwice()
    {
        var h = new SweepHarness(azurite, Thursday);
        await h.StartAsync(SweepHarness.Config([new SetWeightStep(10), new SetWeightStep(50), new PromoteStep()]));

        h.Clock.Advance(h.Options.OverdueGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await h.Sweeper.RunAsync(default)).Requeued); // the original is still queued: now there are two
        var handled = await h.PumpAsync();

        Assert.True(handled >= 4, $"handled {handled}");
        Assert.Equal(["setWeight 10", "setWeight 50", "setWeight 100", "setWeight 0"], h.Weights);
        Assert.Single(h.Notifier.Notices, n => n.Kind == NoticeKind.Succeeded);
    }

    [Fact]
    public async Task RunAsync_PendingApproval_RemindsWithCountdownThenDeadlineRollsBackAndAnnounces()
    {
        var h = new SweepHarness(azurite, Thursday, new SweepOptions { ReminderInterval = TimeSpan.FromMinutes(18) });
        var approval = new ApprovalStep { Timeout = TimeSpan.FromHours(1), OnTimeout = TimeoutAction.Rollback };
        await h.StartAsync(SweepHarness.Config([new SetWeightStep(10), approval, new SetWeightStep(100), new PromoteStep()]));
        await h.PumpAsync(); // runs setWeight 10 and enters the approval; the deadline message is an hour away
        Assert.Equal(RolloutPhase.WaitingApproval, (await h.StateAsync()).Active!.Phase);

        h.Clock.Advance(TimeSpan.FromMinutes(18));
        var first = await h.Sweeper.RunAsync(default);
        Assert.Equal(1, first.Reminded);
        var reminder = Assert.Single(h.Notifier.Notices, n => n.Kind == NoticeKind.Reminder);
        Assert.Equal("checkout-api-1 is still waiting for approval (0 of 1) at step 2/4 (approval (1, 1h timeout)), requested 18m ago; rolls back in 42m unless approved.", reminder.Text);
        // A reminder is an engine input like any other: decided, and recorded in the audit by the timer.
        var reminded = Assert.Single(await new TableAuditLog(h.Tables, h.Storage).ListAsync("checkout-api", "checkout-api-1", default), e => e.Action == "remind");
        Assert.Equal((Actor.Timer, reminder.Text), (reminded.By, reminded.Reason));

        h.Clock.Advance(TimeSpan.FromMinutes(18));
        await h.Sweeper.RunAsync(default);
        Assert.Contains(h.Notifier.Notices, n => n.Kind == NoticeKind.Reminder && n.Text.EndsWith("rolls back in 24m unless approved.", StringComparison.Ordinal));

        // The deadline message is "lost" (hidden on Azurite's real clock): the sweep applies the deadline after the grace.
        h.Clock.Advance(TimeSpan.FromMinutes(24) + h.Options.OverdueGrace + TimeSpan.FromSeconds(1));
        var deadline = await h.Sweeper.RunAsync(default);
        Assert.Equal(1, deadline.Requeued);
        Assert.Equal(2, h.Notifier.Notices.Count(n => n.Kind == NoticeKind.Reminder)); // no stale reminder past the deadline
        await h.PumpAsync();

        var state = await h.StateAsync();
        Assert.Equal(RolloutPhase.RolledBack, state.LastFinished!.Phase);
        Assert.Equal(["setWeight 10", "rollback 0"], h.Weights);
        var announced = Assert.Single(h.Notifier.Notices, n => n.Kind == NoticeKind.RolledBack);
        Assert.Contains("approval timed out after 1h", announced.Text);
    }

    [Fact]
    public async Task RunAsync_StepDueFridayEveningBerlin_WaitsUntilMondayNineAndResumes()
    {
        var friday1759 = new DateTimeOffset(2026, 11, 6, 17, 59, 0, TimeSpan.FromHours(1));
        var window = new DeployWindow
        {
            TimeZone = "Europe/Berlin",
            Ranges = [new WeeklyRange([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday], TimeSpan.FromHours(9), TimeSpan.FromHours(18))],
        };
        var h = new SweepHarness(azurite, friday1759);
        await h.StartAsync(SweepHarness.Config([new SetWeightStep(10), new SetWeightStep(50), new PromoteStep()], window));
        await h.PumpAsync();

        var held = (await h.StateAsync()).Active!;
        var monday0900 = new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(monday0900, held.NextDueAt);
        Assert.Equal(GateBlock.Window, held.Waiting!.Block);
        Assert.Empty(h.Weights);
        var why = Assert.Single(h.Notifier.Notices, n => n.Kind == NoticeKind.Waiting);
        Assert.Contains("Waiting for the deploy window (Mon-Thu 09:00-18:00 Europe/Berlin): setWeight 10 runs Mon 2026-11-09 09:00 Europe/Berlin.", why.Text);

        // Saturday: the only past row is the start's (Friday), which no longer applies; Monday's row sits in Monday's partition.
        h.Clock.SetUtcNow(friday1759.AddDays(1));
        var saturday = await h.Sweeper.RunAsync(default);
        Assert.Equal((1, 0, 1), (saturday.Due, saturday.Requeued, saturday.Dropped));
        Assert.Equal(0, (await h.Sweeper.RunAsync(default)).Due);

        // Monday 09:00: the queued message (hidden for ~63 real hours on Azurite) stands for a late one; the sweep enqueues it.
        h.Clock.SetUtcNow(monday0900 + h.Options.OverdueGrace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await h.Sweeper.RunAsync(default)).Requeued);
        await h.PumpAsync();

        Assert.Equal(["setWeight 10", "setWeight 50", "setWeight 100", "setWeight 0"], h.Weights);
        Assert.Equal(RolloutPhase.Succeeded, (await h.StateAsync()).LastFinished!.Phase);
    }

    [Fact]
    public async Task RunAsync_CommittedRollbackNeverApplied_ReconciledBySweep()
    {
        var h = new SweepHarness(azurite, Thursday);
        await h.StartAsync(SweepHarness.Config([new SetWeightStep(10), new ApprovalStep(), new PromoteStep()]));
        await h.PumpAsync();
        // Simulate a crash after the rollback decision was committed but before its effects were applied.
        var current = await h.Store.GetAsync("checkout-api", default);
        var decision = RolloutMachine.Decide(current!.Value, new Rollback { By = SweepHarness.Deployer }, h.Clock.GetUtcNow());
        await h.Store.SaveAsync(decision.State with { Pending = decision.Effects }, current.ETag, default);
        Assert.Equal(["setWeight 10"], h.Weights);

        h.Clock.Advance(h.Options.OverdueGrace + TimeSpan.FromSeconds(1));
        await h.Sweeper.RunAsync(default);

        Assert.Equal(["setWeight 10", "rollback 0"], h.Weights);
        Assert.Empty((await h.StateAsync()).Pending);
    }
}

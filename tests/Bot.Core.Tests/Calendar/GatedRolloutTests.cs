using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using static Bot.Core.Tests.Calendar.GateTestData;
using Bot.Core.Freezes;

namespace Bot.Core.Tests.Calendar;

/// <summary>The gates inside <see cref="RolloutMachine.Decide(ServiceState, RolloutInput, DateTimeOffset, GateContext)"/>.</summary>
public class GatedRolloutTests
{
    private static readonly Actor Deployer = new("octocat", "octocat", "github");
    private static readonly DateTimeOffset Friday1759Berlin = new(2026, 11, 6, 17, 59, 0, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset Monday0900Berlin = new(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(1));

    private ServiceState _state = ServiceState.Empty("checkout-api");

    private Decision Send(RolloutInput input, DateTimeOffset now, GateContext? gates = null)
    {
        var d = RolloutMachine.Decide(_state, input, now, gates ?? GateContext.None);
        _state = d.State;
        return d;
    }

    private Decision Tick(DateTimeOffset now, GateContext? gates = null) =>
        Send(new StepDue(_state.Active!.Id, _state.Active.StepIndex) { By = Actor.Timer }, now, gates);

    [Fact]
    public void StepDue_FridayAfterWindow_WaitsUntilMondayThenRuns()
    {
        var config = ConfigWith(BerlinWeekdays, new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(5)), new SetWeightStep(50), new PromoteStep());
        Send(new StartRollout("1.4.2", config) { By = Deployer }, Friday1759Berlin.AddMinutes(-20));
        // Friday is outside Mon-Thu, so even step 1 waits; move the rollout on to step 3 the way it would have got there on Thursday.
        _state = _state with { Active = _state.Active! with { StepIndex = 2, CanaryWeight = 10, Phase = RolloutPhase.Progressing, Waiting = null } };

        var held = Tick(Friday1759Berlin);

        Assert.True(held.Accepted);
        Assert.Equal(10, _state.Active!.CanaryWeight);
        Assert.Equal(Monday0900Berlin, _state.Active.NextDueAt);
        Assert.DoesNotContain(held.Effects, e => e is SetTraffic);
        var schedule = Assert.Single(held.Effects.OfType<ScheduleStep>());
        Assert.Equal(Monday0900Berlin, schedule.At);
        var notice = Assert.Single(held.Effects.OfType<Notify>());
        Assert.Equal(NoticeKind.Waiting, notice.Kind);
        Assert.Equal("checkout-api-1 step 3/4 (setWeight 50): Waiting for the deploy window (Mon-Thu 09:00-18:00 Europe/Berlin): setWeight 50 runs Mon 2026-11-09 09:00 Europe/Berlin.", notice.Text);
        Assert.Equal(GateBlock.Window, notice.Snapshot.Waiting!.Block); // what chat and the check run render

        // An early duplicate message on Saturday changes nothing visible: no second announcement, no traffic.
        var early = Tick(Friday1759Berlin.AddHours(20));
        Assert.Empty(early.Effects.OfType<Notify>());
        Assert.DoesNotContain(early.Effects, e => e is SetTraffic);

        var resumed = Tick(Monday0900Berlin);
        var set = Assert.Single(resumed.Effects.OfType<SetTraffic>());
        Assert.Equal(50, set.CanaryWeight);
        Assert.Null(_state.Active.Waiting);
        Send(new TrafficApplied(set.RolloutId, set) { By = Actor.System }, Monday0900Berlin);
        Assert.Equal((3, 50), (_state.Active.StepIndex, _state.Active.CanaryWeight));
    }

    [Fact]
    public void StepDue_LoweringWeightOutsideWindow_RunsAtOnce()
    {
        var config = ConfigWith(BerlinWeekdays, new SetWeightStep(50), new SetWeightStep(20), new PromoteStep());
        Send(new StartRollout("1.4.2", config) { By = Deployer }, Friday1759Berlin);
        _state = _state with { Active = _state.Active! with { StepIndex = 1, CanaryWeight = 50, Phase = RolloutPhase.Progressing } };

        var d = Tick(Friday1759Berlin);

        Assert.Equal(20, Assert.Single(d.Effects.OfType<SetTraffic>()).CanaryWeight);
    }

    [Fact]
    public void Rollback_DuringFreezeAndOutsideWindow_NeverBlocked()
    {
        var freeze = new GateContext { Freezes = [new Freeze(Freeze.AllServices, "year-end", Ana, Friday1759Berlin.AddDays(-1))] };
        Send(new StartRollout("1.4.2", ConfigWith(BerlinWeekdays)) { By = Deployer }, Friday1759Berlin, freeze);
        Tick(Friday1759Berlin, freeze);

        var rollback = Send(new Rollback { By = Ana }, Friday1759Berlin.AddMinutes(1), freeze);
        Assert.True(rollback.Accepted);
        var traffic = Assert.Single(rollback.Effects.OfType<RollbackTraffic>());
        Send(new TrafficApplied(traffic.RolloutId, traffic) { By = Actor.System }, Friday1759Berlin.AddMinutes(1), freeze);
        Assert.Equal(RolloutPhase.RolledBack, _state.LastFinished!.Phase);
    }

    [Fact]
    public void Pause_WhileHeldByFreeze_Allowed()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var freeze = new GateContext { Freezes = [new Freeze("checkout-api", "incident 4711", Ana, now)] };
        Send(new StartRollout("1.4.2", ConfigWith()) { By = Deployer }, now, freeze);
        Tick(now, freeze);

        Assert.True(Send(new Pause { By = Ana }, now.AddMinutes(1), freeze).Accepted);
        Assert.Equal(RolloutPhase.Paused, _state.Active!.Phase);
    }

    [Fact]
    public void Start_DuringFreezeQueuePolicy_AcceptedWithReasonAndFirstStepWaits()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var freeze = new Freeze("checkout-api", "incident 4711", Ana, now.AddMinutes(-5), now.AddHours(2));
        var gates = new GateContext { Freezes = [freeze] };

        var start = Send(new StartRollout("1.4.2", ConfigWith()) { By = Deployer }, now, gates);
        Assert.True(start.Accepted);
        Assert.Contains("incident 4711", start.Message);
        Assert.Contains(start.Effects.OfType<Notify>(), n => n.Kind == NoticeKind.Queued && n.Text.Contains("incident 4711"));

        var held = Tick(now, gates);
        Assert.DoesNotContain(held.Effects, e => e is SetTraffic);
        Assert.Equal(now.AddHours(2), _state.Active!.NextDueAt);
        Assert.Equal(GateBlock.Freeze, _state.Active.Waiting!.Block);

        var after = Tick(now.AddHours(2), gates);
        Assert.Equal(10, Assert.Single(after.Effects.OfType<SetTraffic>()).CanaryWeight);
    }

    [Fact]
    public void Start_DuringFreezeRejectPolicy_RefusedWithReason()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var gates = new GateContext { Freezes = [new Freeze(Freeze.AllServices, "year-end change freeze", Ana, now.AddMinutes(-5))] };
        var config = ConfigWith() with { Policy = new RolloutPolicy { OnFreeze = FreezePolicy.Reject } };

        var start = Send(new StartRollout("1.4.2", config) { By = Deployer }, now, gates);

        Assert.False(start.Accepted);
        Assert.Equal(RefusalKind.Conflict, start.Refused!.Kind);
        Assert.Contains("year-end change freeze", start.Refused.Message);
        Assert.Null(_state.Active);
    }

    [Fact]
    public void Promote_DuringFreeze_RefusedWithReason()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        Send(new StartRollout("1.4.2", ConfigWith()) { By = Deployer }, now);
        Tick(now);
        var gates = new GateContext { Freezes = [new Freeze("checkout-api", "incident 4711", Ana, now)] };

        var promote = Send(new Promote { By = Ana }, now.AddMinutes(1), gates);

        Assert.False(promote.Accepted);
        Assert.Contains("incident 4711", promote.Refused!.Message);
    }

    [Fact]
    public void StepDue_CronSlot_PromotesAtSlotThenWaitsForWindowWithoutLosingSlot()
    {
        // Promote at 16:00 UTC daily, but the window is Mon-Thu 09:00-18:00 Berlin: a Friday slot must wait for Monday.
        var cron = new DailyCron(16);
        var gates = new GateContext { Cron = cron };
        var config = ConfigWith(BerlinWeekdays, new SetWeightStep(10), new PromoteStep { At = "0 0 16 * * *" });
        var thursday = new DateTimeOffset(2026, 11, 5, 17, 30, 0, TimeSpan.Zero); // 18:30 Berlin: closed
        Send(new StartRollout("1.4.2", config) { By = Deployer }, thursday, gates);
        _state = _state with { Active = _state.Active! with { StepIndex = 1, CanaryWeight = 10, Phase = RolloutPhase.Progressing } };

        var slotWait = Tick(thursday, gates);
        Assert.Equal(GateBlock.Schedule, _state.Active!.Waiting!.Block);
        Assert.Equal(new DateTimeOffset(2026, 11, 6, 16, 0, 0, TimeSpan.Zero), _state.Active.NextDueAt);
        Assert.Contains("scheduled slot", Assert.Single(slotWait.Effects.OfType<Notify>()).Text);

        Tick(new DateTimeOffset(2026, 11, 6, 16, 0, 0, TimeSpan.Zero), gates); // Friday: slot reached, window closed
        Assert.Equal(GateBlock.Window, _state.Active.Waiting!.Block);
        Assert.Equal(Monday0900Berlin, _state.Active.NextDueAt);

        var promoted = Tick(Monday0900Berlin, gates); // Monday 08:00 UTC: before the next 16:00 slot, yet it runs
        Assert.Equal(100, Assert.Single(promoted.Effects.OfType<SetTraffic>()).CanaryWeight);
    }
}

using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using static Bot.Core.Tests.Calendar.GateTestData;
using Bot.Core.Freezes;

namespace Bot.Core.Tests.Calendar;

public class StepGateTests
{
    private static readonly DateTimeOffset Friday1759Berlin = new(2026, 11, 6, 17, 59, 0, TimeSpan.FromHours(1));

    [Fact]
    public void Check_RaiseOutsideWindow_WaitsUntilMondayAndSaysWhy()
    {
        var rollout = Rollout(ConfigWith(BerlinWeekdays), stepIndex: 2, canaryWeight: 10, Friday1759Berlin);

        var verdict = StepGate.Check(rollout, GateContext.None, Friday1759Berlin);

        Assert.Equal(GateBlock.Window, verdict.Block);
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(1)), verdict.Until);
        Assert.Equal("Waiting for the deploy window (Mon-Thu 09:00-18:00 Europe/Berlin): setWeight 50 runs Mon 2026-11-09 09:00 Europe/Berlin.", verdict.Reason);
    }

    [Fact]
    public void Check_RaiseInsideWindow_Open()
    {
        var thursday = new DateTimeOffset(2026, 11, 5, 17, 59, 0, TimeSpan.FromHours(1));
        var rollout = Rollout(ConfigWith(BerlinWeekdays), stepIndex: 2, canaryWeight: 10, thursday);
        Assert.True(StepGate.Check(rollout, GateContext.None, thursday).IsOpen);
    }

    public static TheoryData<StepSpec, int, bool> Steps => new()
    {
        { new SetWeightStep(50), 10, true },
        { new SetWeightStep(10), 50, false }, // lowering exposure is never blocked
        { new SetWeightStep(0), 10, false },
        { new PromoteStep(), 50, true },
        { new HeaderRouteStep("x-canary", "1"), 0, true },
        { new PauseStep(TimeSpan.FromMinutes(5)), 10, false },
        { new ApprovalStep(), 10, false },
        { new MirrorStep(50), 0, false },
        { new SetImageStep(), 0, false },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public void Check_OutsideWindow_GatesOnlyExposureRaises(StepSpec step, int currentWeight, bool gated)
    {
        var rollout = Rollout(ConfigWith(BerlinWeekdays, step), stepIndex: 0, currentWeight, Friday1759Berlin);
        var verdict = StepGate.Check(rollout, GateContext.None, Friday1759Berlin);
        Assert.Equal(gated, !verdict.IsOpen);
        Assert.Equal(gated, StepGate.RaisesExposure(rollout, step));
    }

    [Fact]
    public void Check_FreezeWithUntil_WaitsUntilItLiftsWithReason()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var freeze = new Freeze(Freeze.AllServices, "year-end change freeze", Ana, now.AddHours(-1), now.AddDays(2));
        var rollout = Rollout(ConfigWith(), stepIndex: 0, canaryWeight: 0, now);

        var verdict = StepGate.Check(rollout, new GateContext { Freezes = [freeze] }, now);

        Assert.Equal(GateBlock.Freeze, verdict.Block);
        Assert.Equal(now.AddDays(2), verdict.Until);
        Assert.Contains("year-end change freeze", verdict.Reason);
        Assert.Contains("frozen (all services) by Ana until 2026-11-07 10:00 UTC", verdict.Reason);
    }

    [Fact]
    public void Check_OpenEndedFreeze_RechecksAfterInterval()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var freeze = new Freeze("checkout-api", "incident 4711", Ana, now.AddMinutes(-5));
        var ctx = new GateContext { Freezes = [freeze], FreezeRecheck = TimeSpan.FromMinutes(2) };

        var verdict = StepGate.Check(Rollout(ConfigWith(), 0, 0, now), ctx, now);

        Assert.Equal(now.AddMinutes(2), verdict.Until);
        Assert.Same(freeze, verdict.Freeze);
    }

    [Fact]
    public void Check_FreezeOnOtherServiceOrExpired_Open()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        Freeze[] freezes =
        [
            new("payments", "other service", Ana, now.AddHours(-1)),
            new(Freeze.AllServices, "over", Ana, now.AddHours(-3), now.AddHours(-1)),
        ];
        Assert.True(StepGate.Check(Rollout(ConfigWith(), 0, 0, now), new GateContext { Freezes = freezes }, now).IsOpen);
    }

    [Fact]
    public void Check_CronSlot_WaitsForSlotAfterStepWasReached()
    {
        var reached = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var config = ConfigWith(null, new SetWeightStep(10), new PromoteStep { At = "0 0 9 * * 1-5" });
        var rollout = Rollout(config, 1, 10, reached);
        var ctx = new GateContext { Cron = new DailyCron(9) };

        var before = StepGate.Check(rollout, ctx, reached.AddHours(3));
        var kept = rollout with { Waiting = new StepWait(GateBlock.Window, 1, null, "window", before.Slot) };

        Assert.Equal(GateBlock.Schedule, before.Block);
        Assert.Equal(reached.AddHours(23), before.Until);
        Assert.Equal(reached.AddHours(23), before.Slot);
        Assert.Contains("0 0 9 * * 1-5", before.Reason);
        Assert.True(StepGate.Check(rollout, ctx, reached.AddHours(23)).IsOpen);
        // Once given, the slot is kept: a later check (after a window or freeze wait) does not move it to the next day.
        Assert.True(StepGate.Check(kept, ctx, reached.AddHours(30)).IsOpen);
        Assert.Equal(GateBlock.Schedule, StepGate.Check(rollout, ctx, reached.AddHours(30)).Block);
    }

    [Fact]
    public void Check_CronSlotReachedButFrozen_WaitsForFreeze()
    {
        var reached = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var rollout = Rollout(ConfigWith(null, new PromoteStep { At = "0 0 9 * * *" }), 0, 10, reached);
        var ctx = new GateContext { Cron = new DailyCron(9), Freezes = [new Freeze("checkout-api", "incident", Ana, reached)] };
        Assert.Equal(GateBlock.Freeze, StepGate.Check(rollout, ctx, reached.AddHours(23)).Block);
    }

    [Fact]
    public void StartFreeze_ActiveFreeze_ReturnedWithReasonText()
    {
        var now = new DateTimeOffset(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
        var freeze = new Freeze("checkout-api", "incident 4711", Ana, now.AddMinutes(-5));
        var found = StepGate.StartFreeze(ConfigWith(), new GateContext { Freezes = [freeze] }, now);
        Assert.Same(freeze, found);
        Assert.Contains("incident 4711", StepGate.RefuseStartText(found!));
        Assert.Contains("incident 4711", StepGate.QueuedStartText(found!));
    }
}

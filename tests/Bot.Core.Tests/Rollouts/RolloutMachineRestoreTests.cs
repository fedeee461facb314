using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>Orphaned canary traffic (issue 9, finding 7): what counts as orphaned, and what <c>/release restore</c> decides.</summary>
public class RolloutMachineRestoreTests
{
    private static readonly ReleaseConfig Config = Configs.Checkout(new SetWeightStep(10), new ApprovalStep(), new PromoteStep());
    private static readonly RouteReading LeftAt10 = new(90, 10, 90, 10);

    private static RestoreTraffic Restore(RouteReading reading, Actor? by = null) =>
        new(TrafficTarget.For(Config), reading) { By = by ?? Story.Bob, Reason = "left behind by the storage outage" };

    [Fact]
    public void Restore_NoRolloutAndCanary10_RollsBackAndAuditsUnderTheOrphanId()
    {
        var s = new Story(Config);
        var d = s.Send(Restore(LeftAt10));

        Assert.True(d.Accepted);
        Assert.Equal(["rollbackTraffic [checkout-orphan]", "audit restore RolledBack->RolledBack [checkout-orphan]"], s.Effects);
        var audit = Assert.IsType<AuditEntry>(d.Effects[1]);
        Assert.Equal(Story.Bob, audit.By);
        Assert.Equal("VirtualService shop/checkout route 'primary': stable 90 / canary 10 -> stable 100 / canary 0 with no active rollout " +
                     "(the bot last wrote stable 90 / canary 10); left behind by the storage outage", audit.Reason);
        Assert.Equal(ServiceState.Empty("checkout") with { TrafficSequence = 1 }, d.State); // nothing about rollouts changes; the write is fenced
    }

    [Fact]
    public void Restore_ActiveRollout_RefusedPointingToRollback()
    {
        var s = new Story(Config);
        s.Start();
        s.Tick();

        var d = s.Send(Restore(LeftAt10));

        Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
        Assert.Equal("checkout-1 (checkout 1.4.2) is active at step 2/3 (approval (1)) and owns the traffic; restore changes nothing: " +
                     "use /release rollback checkout to return its traffic to stable", d.Refused.Message);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Restore_AllTrafficOnStable_RefusedNothingToRestore()
    {
        var d = new Story(Config).Send(Restore(new RouteReading(100, 0, 90, 10)));

        Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
        Assert.Equal("nothing to restore: VirtualService shop/checkout route 'primary' already sends stable 100 / canary 0 (all traffic to stable)", d.Refused.Message);
    }

    [Fact]
    public void Restore_AfterTheRolloutFinished_AuditsFromItsPhase()
    {
        var s = new Story(Config);
        s.Start();
        s.Send(new Rollback() { By = Story.Ann });
        Assert.Equal(RolloutPhase.RolledBack, s.State.LastFinished!.Phase);

        s.Send(Restore(LeftAt10));

        Assert.Equal(["rollbackTraffic [checkout-orphan]", "audit restore RolledBack->RolledBack [checkout-orphan]"], s.Effects);
    }

    [Fact]
    public void EffectFailed_OfTheRestoresRollback_AuditedAsRestoreFailed()
    {
        var s = new Story(Config);
        var rollback = (RollbackTraffic)s.Send(Restore(LeftAt10)).Effects[0];

        var d = s.Send(new EffectFailed("checkout-orphan", rollback, "503 Service Unavailable") { By = Actor.System });

        Assert.Equal(["audit restore-failed RolledBack->RolledBack [checkout-orphan]"], s.Effects);
        Assert.Contains("503 Service Unavailable", d.Message);
    }

    public static TheoryData<string, RouteReading, bool, bool> OrphanCases => new()
    {
        { "bot's annotation, canary 10, no rollout", LeftAt10, false, true },
        { "bot's annotation, live canary 10 but recorded 0", new RouteReading(90, 10, 100, 0), false, true },
        { "no annotation (someone else's canary)", new RouteReading(90, 10), false, false },
        { "bot's annotation, all stable", new RouteReading(100, 0, 100, 0), false, false },
        { "active rollout owns it", LeftAt10, true, false },
    };

    [Theory]
    [MemberData(nameof(OrphanCases))]
    public void IsOrphaned_Cases(string name, RouteReading reading, bool activeRollout, bool expected)
    {
        var s = new Story(Config);
        if (activeRollout) s.Start();
        Assert.True(expected == RolloutMachine.IsOrphaned(s.State, reading), name);
    }

    [Fact]
    public void IsOrphaned_RollbackPendingOrNoStateAtAll()
    {
        var s = new Story(Config);
        s.Start();
        var rolledBack = s.Send(new Rollback() { By = Story.Ann });
        Assert.False(RolloutMachine.IsOrphaned(rolledBack.State with { Pending = rolledBack.Effects }, LeftAt10)); // being applied
        Assert.True(RolloutMachine.IsOrphaned(s.State, LeftAt10)); // applied, yet the route still carries canary traffic
        Assert.True(RolloutMachine.IsOrphaned(null, LeftAt10)); // storage lost the service's row entirely
    }
}

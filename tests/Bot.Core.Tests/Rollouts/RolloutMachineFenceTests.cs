using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>Finding 6: every traffic write carries the next sequence of the service and the canary weight it expects to replace.</summary>
public class RolloutMachineFenceTests
{
    private static (long Sequence, int? Expected)[] Fences(Decision d) =>
        [.. d.Effects.Select(RolloutMachine.FenceOf).OfType<TrafficFence>().Select(f => (f.Sequence, f.ExpectedCanary))];

    [Fact]
    public void TrafficWrites_GetIncreasingSequencesAndTheWeightTheyReplace_KeptInServiceState()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new SetWeightStep(50), new ApprovalStep(), new PromoteStep()));
        s.Start();
        Assert.Empty(Fences(s.Last));
        Assert.Equal(0, s.State.TrafficSequence);

        s.Tick();
        Assert.Equal([(1L, (int?)0)], Fences(s.Last));
        s.Tick();
        Assert.Equal([(2L, (int?)10)], Fences(s.Last));
        Assert.Equal(2, s.State.TrafficSequence);
        s.Tick(); // approval: no traffic write, sequence unchanged
        Assert.Equal(2, s.State.TrafficSequence);

        s.Send(new Rollback(s.Active.Id) { By = Story.Bob });
        Assert.Equal(["audit rollback WaitingApproval->RollingBack", "rollbackTraffic", "notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
        Assert.Equal([(3L, (int?)50)], Fences(s.Last));

        // The next rollout continues the service's sequence: a late write of the first rollout stays older.
        s.Start("1.4.3");
        s.Tick();
        Assert.Equal([(4L, (int?)0)], Fences(s.Last));
        Assert.Equal(4, s.State.TrafficSequence);
    }

    [Fact]
    public void Promote_HeaderRouteAndMirror_EachWriteFencedInOrder()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(20), new HeaderRouteStep("x-canary", "1"), new MirrorStep(10), new PromoteStep()));
        s.Start();
        s.Tick();
        s.Tick();
        Assert.Equal([(2L, (int?)20)], Fences(s.Last));
        s.Tick();
        Assert.Equal([(3L, (int?)20)], Fences(s.Last));
        s.Tick(); // promote: all traffic to the canary while the stable Deployment moves to the new image
        Assert.Equal([(4L, (int?)20)], Fences(s.Last));
        s.StableReady(); // header route and mirror removed, then all traffic back to stable, each write newer than the last
        Assert.Equal(["headerRoute off", "mirror off", "setTraffic 0", "notify Succeeded", "audit succeed Progressing->Succeeded"], s.Effects);
        Assert.Equal([(5L, (int?)100), (6L, (int?)100), (7L, (int?)100)],
            [.. s.AllEffects.Select(RolloutMachine.FenceOf).OfType<TrafficFence>().Select(f => (f.Sequence, f.ExpectedCanary))]);
    }

    [Fact]
    public void Supersede_RollbackOfOldThenNewRollout_SequenceContinues()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        s.Tick();
        var d = s.Start("2.0.0");
        var rollback = Assert.Single(d.Effects.OfType<RollbackTraffic>());
        Assert.Equal(new TrafficFence(2, 10), rollback.Fence);
        s.Tick();
        Assert.Equal([(3L, (int?)0)], Fences(s.Last));
    }

    [Fact]
    public void TrafficFenced_CommittedMeansStateWasBehind_CatchesUpAndPausesAsDrift()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        s.Tick();
        var write = Assert.Single(s.Last.Effects.OfType<SetTraffic>());

        s.Send(new TrafficFenced(s.Active.Id, write, LiveSequence: 7) { By = Actor.System });

        Assert.Equal(7, s.State.TrafficSequence);
        Assert.Equal(RolloutPhase.Paused, s.Active.Phase);
        Assert.Equal(PauseCause.Drift, s.Active.PausedBy);
        Assert.Contains("route carries write 7", s.Active.Reason, StringComparison.Ordinal);
        Assert.Equal(["notify Drift", "audit drift Progressing->Paused"], s.Effects);

        // Resume re-asserts the weight with a sequence newer than the route's.
        s.Send(new Resume(s.Active.Id) { By = Story.Bob });
        Assert.Equal(new TrafficFence(8, 10), Assert.Single(s.Last.Effects.OfType<SetTraffic>()).Fence);
    }

    [Fact]
    public void TrafficFenced_StaleRollback_IsReissuedNewerThanTheRoute()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        s.Tick();
        s.Send(new Rollback(s.Active.Id) { By = Story.Bob });
        var rollback = Assert.Single(s.Last.Effects.OfType<RollbackTraffic>());

        var d = s.Send(new TrafficFenced(rollback.RolloutId, rollback, LiveSequence: 5) { By = Actor.System });

        var again = Assert.Single(d.Effects.OfType<RollbackTraffic>());
        Assert.Equal(6, again.Fence!.Sequence);
        Assert.Equal(6, s.State.TrafficSequence);
    }

    [Fact]
    public void StoredStateWithoutTrafficSequence_ReadsAsZero()
    {
        var json = StateJson.Serialize(ServiceState.Empty("checkout")).Replace(",\"trafficSequence\":0", "", StringComparison.Ordinal);
        Assert.DoesNotContain("trafficSequence", json, StringComparison.Ordinal);
        Assert.Equal(0, StateJson.Deserialize<ServiceState>(json).TrafficSequence);
        var fenced = new SetTraffic(TrafficTarget.For(Configs.Checkout()), 10) { RolloutId = "checkout-1", Fence = new TrafficFence(3, 0) };
        Assert.Equal(fenced, StateJson.Deserialize<Effect>(StateJson.Serialize<Effect>(fenced)));
    }
}

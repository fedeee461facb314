using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>Issue 14: the rollback latency is measured from the command being received to the cluster accepting canary 0%,
/// and every audit record carries the weight the cluster had accepted (the rollout page's chart).</summary>
public class RollbackLatencyTests
{
    private static Story Baking()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new PauseStep(TimeSpan.FromHours(1)), new PromoteStep())) { ClusterAccepts = false };
        s.Start(by: Story.Ann);
        s.Tick();
        s.Accept();
        Assert.Equal(10, s.Active.CanaryWeight);
        return s;
    }

    [Fact]
    public void Rollback_AcceptedLater_LatencyCountsFromWhenTheCommandWasReceived()
    {
        var s = Baking();
        var received = s.Now;
        s.Advance(TimeSpan.FromMilliseconds(150));      // queued, then decided
        s.Send(new Rollback(s.Active.Id) { By = Story.Bob, ReceivedAt = received });
        Assert.Null(s.Active.RollbackLatency);
        s.Advance(TimeSpan.FromMilliseconds(250));      // the cluster takes its time
        s.Accept();

        var done = s.State.LastFinished!;
        Assert.Equal(RolloutPhase.RolledBack, done.Phase);
        Assert.Equal(TimeSpan.FromMilliseconds(400), done.RollbackLatency);
    }

    [Fact]
    public void Rollback_WithoutReceivedAt_CountsFromTheDecision()
    {
        var s = Baking();
        s.Send(new Rollback(s.Active.Id) { By = Story.Bob });
        s.Advance(TimeSpan.FromMilliseconds(300));
        s.Accept();

        Assert.Equal(TimeSpan.FromMilliseconds(300), s.State.LastFinished!.RollbackLatency);
    }

    [Fact]
    public void Audit_EveryTransition_CarriesTheAcceptedWeight()
    {
        var s = Baking();
        s.Send(new Rollback(s.Active.Id) { By = Story.Bob });
        var asked = s.Last.Effects.OfType<AuditEntry>().Single();
        var rollback = s.Last.Effects.OfType<RollbackTraffic>().Single();
        var accepted = RolloutMachine.Decide(s.State, new TrafficApplied(s.Active.Id, rollback) { By = Actor.System }, s.Now);
        var done = accepted.Effects.OfType<AuditEntry>().Single();

        Assert.Equal(("rollback", 10), (asked.Action, asked.CanaryWeight));
        Assert.Equal(("rolled-back", 0), (done.Action, done.CanaryWeight));
    }
}

using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>An input that carries a delivery id (a CI build id, a Slack click, a GitHub delivery) acts once: the id is
/// recorded in the same state as what it did, so a repeat decides nothing and names the rollout it acted on.</summary>
public class DeliveryOnceTests
{
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    private static StartRollout Start(Story s, string version, string delivery) =>
        new(version, s.Config) { By = Story.Deployer, Delivery = new InboundDelivery(delivery, Week) };

    [Fact]
    public void Start_WithDelivery_RecordsItInTheSameStateAsTheRollout()
    {
        var s = new Story(Configs.Checkout());

        var d = s.Send(Start(s, "1.4.2", "ci:build-7"));

        Assert.True(d.Accepted);
        Assert.Equal("checkout-1", d.State.Active!.Id);
        var record = Assert.Single(d.State.Deliveries);
        Assert.Equal(new DeliveryRecord("ci:build-7", "checkout-1", Story.T0, Story.T0 + Week), record);
    }

    [Fact]
    public void Start_SameDeliveryAgain_AcceptedNoOpNamingTheRollout_EvenAfterANewerOneSuperseded()
    {
        var s = new Story(Configs.Checkout().WithPolicy(NewRevisionPolicy.Supersede));
        s.Send(Start(s, "1.4.2", "ci:build-7"));
        s.Send(Start(s, "1.4.3", "ci:build-8"));
        var before = s.State;

        var again = s.Send(Start(s, "1.4.2", "ci:build-7"));

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(before, again.State);
        Assert.Equal("delivery ci:build-7 was already received: it started checkout-1", again.Message);
        Assert.Equal("checkout-2", s.Active.Id);
    }

    [Fact]
    public void Start_RefusedDelivery_IsNotRecorded_SoItsRetryIsDecidedAgain()
    {
        var s = new Story(Configs.Checkout().WithPolicy(NewRevisionPolicy.Reject));
        s.Send(Start(s, "1.4.2", "ci:build-7"));

        var refused = s.Send(Start(s, "1.4.3", "ci:build-8"));

        Assert.False(refused.Accepted);
        Assert.Null(RolloutMachine.FindDelivery(s.State, "ci:build-8", s.Now));
    }

    [Fact]
    public void Start_QueuedBehindActive_RecordedWithoutRolloutId()
    {
        var s = new Story(Configs.Checkout().WithPolicy(NewRevisionPolicy.Queue));
        s.Send(Start(s, "1.4.2", "ci:build-7"));

        s.Send(Start(s, "1.4.3", "ci:build-8"));

        Assert.Null(RolloutMachine.FindDelivery(s.State, "ci:build-8", s.Now)!.RolloutId);
        Assert.Contains("queued", s.Send(Start(s, "1.4.3", "ci:build-8")).Message);
    }

    [Fact]
    public void Start_AfterTheDeliveryExpired_StartsAgainAndForgetsExpiredRecords()
    {
        var s = new Story(Configs.Checkout().WithPolicy(NewRevisionPolicy.Supersede));
        s.Send(Start(s, "1.4.2", "ci:build-7"));
        s.Send(new Rollback() { By = Story.Ann });
        s.Advance(Week);

        var d = s.Send(Start(s, "1.4.3", "ci:build-7"));

        Assert.NotEmpty(d.Effects);
        Assert.Equal("checkout-2", RolloutMachine.FindDelivery(d.State, "ci:build-7", s.Now)!.RolloutId);
        Assert.Single(d.State.Deliveries);
    }

    [Fact]
    public void Start_ManyDeliveries_KeepsTheNewestUpToTheCap()
    {
        var s = new Story(Configs.Checkout().WithPolicy(NewRevisionPolicy.Supersede));
        for (var i = 0; i < RolloutMachine.MaxRememberedDeliveries + 5; i++) s.Send(Start(s, $"1.0.{i}", $"ci:b{i}"));

        Assert.Equal(RolloutMachine.MaxRememberedDeliveries, s.State.Deliveries.Count);
        Assert.Null(RolloutMachine.FindDelivery(s.State, "ci:b4", s.Now));
        Assert.NotNull(RolloutMachine.FindDelivery(s.State, "ci:b5", s.Now));
    }

    [Fact]
    public void State_WithDeliveries_RoundTripsThroughStateJson()
    {
        var s = new Story(Configs.Checkout());
        s.Send(Start(s, "1.4.2", "ci:build-7"));

        var back = StateJson.Deserialize<ServiceState>(StateJson.Serialize(s.State));

        Assert.Equal(s.State.Deliveries, back.Deliveries);
        Assert.Empty(StateJson.Deserialize<ServiceState>("""{"service":"checkout"}""").Deliveries);
    }

    private static Story AtApproval()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new ApprovalStep(), new PromoteStep()));
        s.Start(by: Story.Ann);
        s.Tick();
        s.Tick();
        Assert.Equal(RolloutPhase.WaitingApproval, s.Active.Phase);
        return s;
    }

    [Fact]
    public void Approve_SameDeliveryTwice_SecondIsARepeatThatChangesNothing_EvenOnceTheNextApprovalWaits()
    {
        var s = AtApproval();
        Approve Click() => new(s.Active.Id, null, null) { By = Story.Bob, Delivery = new InboundDelivery("slack-action:1.2|9.9", Week) };

        var first = s.Send(Click());
        Assert.True(first.Accepted);
        Assert.False(first.Repeated);
        Assert.Equal(new DeliveryRecord("slack-action:1.2|9.9", "checkout-1", Story.T0, Story.T0 + Week), Assert.Single(s.State.Deliveries));
        s.Tick();
        s.Tick();
        Assert.Equal((RolloutPhase.WaitingApproval, 3), (s.Active.Phase, s.Active.StepIndex));
        var before = s.State;

        // Unbound to a step, the redelivered click would approve step 4 if it were decided again.
        var again = s.Send(Click());

        Assert.True(again.Accepted);
        Assert.True(again.Repeated);
        Assert.Empty(again.Effects);
        Assert.Same(before, again.State);
        Assert.Equal("delivery slack-action:1.2|9.9 was already received: it acted on checkout-1", again.Message);
    }

    [Fact]
    public void Rollback_RefusedDelivery_IsNotRecorded_AndADifferentDeliveryIsDecided()
    {
        var s = AtApproval();
        var rollback = new Rollback("checkout-9") { By = Story.Bob, Delivery = new InboundDelivery("github:abc#0", Week) };

        Assert.False(s.Send(rollback).Accepted);
        Assert.Empty(s.State.Deliveries);

        var other = s.Send(new Rollback(s.Active.Id) { By = Story.Bob, Delivery = new InboundDelivery("github:abc#1", Week) });
        Assert.True(other.Accepted);
        Assert.False(other.Repeated);
        Assert.Equal(["github:abc#1"], s.State.Deliveries.Select(d => d.Id));
    }
}

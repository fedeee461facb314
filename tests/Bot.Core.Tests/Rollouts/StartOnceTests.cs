using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>A start that carries a delivery id (a CI build id) happens once: the id is recorded in the same state as
/// the rollout it started, so a repeat decides nothing and names that rollout.</summary>
public class StartOnceTests
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
}

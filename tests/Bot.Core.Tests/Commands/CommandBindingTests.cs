using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Commands;

/// <summary>Issue 9, finding 1: a command acts on the rollout it was bound to at intake (or names), never on a later one.</summary>
public class CommandBindingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 16, 0, 0, TimeSpan.Zero);
    private static readonly Actor Alice = new("U0ALICE01", "alice", "slack");

    private static RolloutState Rollout(int seq, int step = 1, int revision = 1) => new()
    {
        Id = $"checkout-{seq}", Service = "checkout", Version = $"1.{seq}.0", Revision = revision, StepIndex = step,
        Config = new ReleaseConfig { Service = "checkout", Namespace = "shop", Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" }, Steps = [new SetWeightStep(10), new ApprovalStep()] },
        StartedBy = Alice, CreatedAt = T0.AddMinutes(seq), UpdatedAt = T0.AddMinutes(seq), Phase = RolloutPhase.WaitingApproval,
    };

    private static RolloutInput Input(RolloutCommand command, CommandBinding? binding, RolloutState active, string? reason = null)
    {
        var (id, step, revision, stale) = CommandPipeline.Bind(command, binding, active);
        Assert.Null(stale);
        return CommandPipeline.InputFor(command, id!, step, revision, new CommandRequest(command, Alice) { Reason = reason });
    }

    [Fact]
    public void BoundToARollout_ActsOnItWithTheStepAndRevisionSeen_EvenWhenAnotherIsActiveNow()
    {
        var binding = CommandBinding.To("checkout", Rollout(1, step: 1, revision: 1));
        Assert.Equal(new Approve("checkout-1", 1, 1) { By = Alice }, Input(new ApproveCommand("checkout"), binding, Rollout(2, step: 3, revision: 2)));
    }

    [Fact]
    public void BoundToNoRollout_DoesNothingAndNamesTheRolloutThatStartedSince()
    {
        var (id, _, _, stale) = CommandPipeline.Bind(new RollbackCommand("checkout", null), CommandBinding.To("checkout", null), Rollout(2));
        Assert.Null(id);
        Assert.Contains("before checkout-2 (checkout 1.2.0) started", stale);
        Assert.Contains("send the command again to rollback checkout-2", stale);
    }

    [Fact]
    public void ExplicitRolloutId_WinsOverTheBinding() =>
        Assert.Equal(new Pause("checkout-7") { By = Alice },
            Input(new PauseCommand("checkout") { RolloutId = "checkout-7" }, CommandBinding.To("checkout", Rollout(1)), Rollout(2)));

    [Fact]
    public void Unbound_ActsOnTheActiveRollout() =>
        Assert.Equal(new Rollback("checkout-2") { By = Alice, Reason = "because" }, Input(new RollbackCommand("checkout", null), null, Rollout(2), "because"));

    [Theory]
    [InlineData("checkout-12", "checkout")]
    [InlineData("checkout-api-7", "checkout-api")]
    [InlineData("checkout", "checkout")]
    [InlineData("checkout-v2", "checkout-v2")]
    public void ServiceOf_IsTheRolloutIdWithoutItsNumber(string rolloutId, string service) =>
        Assert.Equal(service, CommandBinding.ServiceOf(rolloutId));

    [Fact]
    public void AsOf_BindsToTheActiveRolloutOnlyIfItStartedByThen()
    {
        Assert.Equal("checkout-2", CommandBinding.AsOf("checkout", Rollout(2), T0.AddMinutes(2)).RolloutId);
        Assert.Null(CommandBinding.AsOf("checkout", Rollout(2), T0.AddMinutes(1)).RolloutId);
    }

    [Fact]
    public void ServiceToBind_OnlyRolloutCommandsThatNameNoRollout()
    {
        Assert.Equal("checkout", CommandBinding.ServiceToBind(new RollbackCommand("checkout", null)));
        Assert.Null(CommandBinding.ServiceToBind(new RollbackCommand("checkout", null) { RolloutId = "checkout-1" }));
        Assert.Null(CommandBinding.ServiceToBind(new StatusCommand("checkout")));
        Assert.Null(CommandBinding.ServiceToBind(new DeployCommand("checkout", "1.0.0")));
    }
}

using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Policies;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Core.Tests.Rollouts;

namespace Bot.Core.Tests.Policies;

public class AuthorizerTests
{
    private sealed class Groups(Dictionary<string, string[]> members) : IMembershipResolver
    {
        public List<string> Asked { get; } = [];

        public ValueTask<bool> IsMemberAsync(string group, Actor actor, CancellationToken ct)
        {
            Asked.Add(group);
            return ValueTask.FromResult(members.TryGetValue(group, out var ids) && ids.Contains(actor.Id));
        }
    }

    private static readonly ReleaseConfig Config = Configs.Checkout() with { Approvers = ["@sre", "U123"], Deployers = ["@payments-team"] };
    private static readonly Groups Membership = new(new() { ["@sre"] = ["U0SRE"], ["@payments-team"] = ["U0DEV"] });
    private static readonly Authorizer Sut = new(Membership);

    private static Actor Slack(string id) => new(id, id.ToLowerInvariant(), "slack");

    [Theory]
    [InlineData("U123", ReleaseAction.Approve, true)]
    [InlineData("u123", ReleaseAction.Approve, true)]
    [InlineData("U0SRE", ReleaseAction.Approve, true)]
    [InlineData("U0DEV", ReleaseAction.Approve, false)]
    [InlineData("U0DEV", ReleaseAction.Deploy, true)]
    [InlineData("U0SRE", ReleaseAction.Deploy, false)]
    [InlineData("U0DEV", ReleaseAction.Rollback, true)]
    [InlineData("U0SRE", ReleaseAction.Abort, true)]
    [InlineData("U0DEV", ReleaseAction.Promote, false)]
    [InlineData("U0SRE", ReleaseAction.Freeze, true)]
    [InlineData("U0NOBODY", ReleaseAction.Rollback, false)]
    [InlineData("U0NOBODY", ReleaseAction.Status, true)]
    [InlineData("U0NOBODY", ReleaseAction.History, true)]
    public async Task AuthorizeAsync_PerRole_DecidesByConfig(string id, ReleaseAction action, bool allowed) =>
        Assert.Equal(allowed, (await Sut.AuthorizeAsync(Config, Slack(id), action, null, CancellationToken.None)).Allowed);

    [Fact]
    public async Task AuthorizeAsync_Refused_MessageNamesWhoMayAct()
    {
        var r = await Sut.AuthorizeAsync(Config, new Actor("U0DEV", "dev", "slack"), ReleaseAction.Approve, null, CancellationToken.None);
        Assert.False(r.Allowed);
        Assert.Equal("dev may not approve checkout; approvers of checkout: @sre, U123", r.Message);
    }

    [Fact]
    public async Task AuthorizeAsync_ApprovalStepApprovers_OverrideServiceApprovers()
    {
        var config = Configs.Checkout(new ApprovalStep { Approvers = ["U0LEAD"] }, new PromoteStep()) with { Approvers = ["@sre"] };
        var rollout = new RolloutState
        {
            Id = "checkout-1", Service = "checkout", Version = "1", Config = config, StartedBy = Story.Ann, CreatedAt = Story.T0, UpdatedAt = Story.T0,
            Phase = RolloutPhase.WaitingApproval,
        };
        Assert.True((await Sut.AuthorizeAsync(config, Slack("U0LEAD"), ReleaseAction.Approve, rollout, CancellationToken.None)).Allowed);
        var sre = await Sut.AuthorizeAsync(config, Slack("U0SRE"), ReleaseAction.Approve, rollout, CancellationToken.None);
        Assert.Equal("u0sre may not approve checkout; approvers of checkout: U0LEAD", sre.Message);
    }

    [Fact]
    public async Task AuthorizeAsync_NoListsConfigured_AnyoneMayAct()
    {
        var config = Configs.Checkout() with { Approvers = [], Deployers = [] };
        var r = await Sut.AuthorizeAsync(config, Slack("U0ANY"), ReleaseAction.Approve, null, CancellationToken.None);
        Assert.True(r.Allowed);
        Assert.Empty(r.Principals);
    }

    [Fact]
    public async Task AuthorizeAsync_TimerAndSystem_AlwaysAllowedWithoutLookups()
    {
        var groups = new Groups([]);
        var sut = new Authorizer(groups);
        Assert.True((await sut.AuthorizeAsync(Config, Actor.Timer, ReleaseAction.Rollback, null, CancellationToken.None)).Allowed);
        Assert.True((await sut.AuthorizeAsync(Config, Actor.System, ReleaseAction.Promote, null, CancellationToken.None)).Allowed);
        Assert.Empty(groups.Asked);
    }

    [Fact]
    public void WhoMay_Rollback_UnionOfDeployersAndApprovers()
    {
        var (role, principals) = Authorizer.WhoMay(Config, ReleaseAction.Rollback, null);
        Assert.Equal("deployers and approvers", role);
        Assert.Equal(["@payments-team", "@sre", "U123"], principals);
    }
}

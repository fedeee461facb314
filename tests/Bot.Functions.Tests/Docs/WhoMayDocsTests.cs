using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Policies;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;

namespace Bot.Functions.Tests.Docs;

/// <summary>Issue 10: the README's "who may do what" table stays true to the <see cref="Authorizer"/>.</summary>
public class WhoMayDocsTests
{
    public static TheoryData<string, string[], string[], string[]> Lists => new()
    {
        { "all lists set", ["dana"], ["abe", "@sre"], ["sam"] },
        { "no step approvers", ["dana"], ["abe"], [] },
        { "no approvers", ["dana"], [], [] },
        { "only step approvers", [], [], ["sam"] },
        { "nothing set", [], [], [] },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void WhoMayTable_EveryAction_NamesWhomTheAuthorizerAllows(string _, string[] deployers, string[] approvers, string[] step)
    {
        var table = WhoMayTable.Read();
        var config = Configs.Checkout() with
        {
            Deployers = deployers, Approvers = approvers,
            Steps = [new SetWeightStep(10), new ApprovalStep { Approvers = step }, new PromoteStep()],
        };
        var waiting = new RolloutState
        {
            Id = "checkout-api-1", Service = "checkout-api", Version = "1.4.2", Config = config, StepIndex = 1, Phase = RolloutPhase.WaitingApproval,
            StartedBy = Configs.Deployer, CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch,
        };

        Assert.Equal(Enum.GetValues<ReleaseAction>().Order(), table.Keys.Order());
        foreach (var action in Enum.GetValues<ReleaseAction>())
        {
            var documented = WhoMayTable.WhoMay(table, action, config, step);
            var (_, code) = Authorizer.WhoMay(config, action, waiting);
            Assert.True(documented.Order(StringComparer.Ordinal).SequenceEqual(code.Order(StringComparer.Ordinal)),
                $"{action}: README says [{string.Join(", ", documented)}], the Authorizer [{string.Join(", ", code)}]");
        }
        Assert.True(WhoMayTable.ForbidsRequester(table, ReleaseAction.Approve) == config.Policy.DistinctApprover,
            "README: the requester may not approve their own rollout (policy.distinctApprover, default true)");
    }
}

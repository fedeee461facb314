using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

public sealed class RolloutIdsTests
{
    [Theory]
    [InlineData("checkout-12", "checkout")]
    [InlineData("pay-api-v2-3", "pay-api-v2")]
    [InlineData("svc-2-10", "svc-2")]
    public void ServiceOf_TheIdsTheMachineIssues_NamesTheirService(string id, string service)
    {
        Assert.Equal(service, RolloutIds.ServiceOf(id));
        Assert.Equal(id, RolloutIds.Of(service, int.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("checkout")]
    [InlineData("checkout-")]
    [InlineData("-12")]
    [InlineData("checkout-orphan")]
    [InlineData("checkout-1a")]
    [InlineData("checkout-١٢")] // Arabic-Indic digits are not a start count
    public void ServiceOf_OtherForms_IsNull(string id) => Assert.Null(RolloutIds.ServiceOf(id));

    [Fact]
    public void StartNew_IssuesAnIdOfTheService()
    {
        var config = Configs.Checkout() with { Service = "pay-api-v2" };
        var d = RolloutMachine.Decide(ServiceState.Empty("pay-api-v2"), new StartRollout("1.0.0", config) { By = new Actor("U0ALICE", "alice", "slack") }, DateTimeOffset.UnixEpoch);
        Assert.Equal("pay-api-v2-1", d.State.Active!.Id);
        Assert.Equal("pay-api-v2", RolloutIds.ServiceOf(d.State.Active.Id));
    }
}

using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;

namespace Bot.Functions.Tests.Slack;

/// <summary>Slash commands through the endpoint, the core grammar and the runner (fake gateway, in-memory store).</summary>
[Collection(AzuriteFixture.Collection)]
public class SlackCommandRunnerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private SlackTestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await SlackTestApp.StartAsync(azurite);
        var waiting = SlackRolloutSamples.Waiting();
        _app.Seed(waiting);
        _app.Store.Overwrite(new ServiceState { Service = "checkout", Active = waiting, Sequence = 7 });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> RunAsync(string text, string user = "U0ALICE01")
    {
        var before = _app.Slack.ResponseUrlPosts.Count;
        await _app.Client.SendAsync(_app.Signed("/api/slack/commands", _app.CommandBody(text, user)));
        return (await _app.RepliesAsync(before + 1))[before].Body["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task Run_MisspelledService_SuggestsKnownServiceAndChangesNothing()
    {
        var text = await RunAsync("deploy chekout 1.5.0");
        Assert.Contains("did you mean 'checkout'", text);
        Assert.Contains("/release deploy <service> <version>", text);
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Run_Status_DescribesActiveRolloutFromStore()
    {
        var text = await RunAsync("STATUS checkout");
        Assert.Contains("1.4.0", text);
        Assert.Contains("waiting for approval, step 2/5, canary 10%", text);
    }

    [Fact]
    public async Task Run_ApproveByGroupMember_ApprovesActiveRolloutBoundToShownStep()
    {
        await RunAsync("approve checkout", "U0BOB0001");
        var approve = Assert.IsType<Approve>(Assert.Single(_app.Rollouts.Inputs));
        Assert.Equal(("checkout-7", 1, 2), (approve.RolloutId, approve.StepIndex, approve.Revision));
        Assert.Equal(new Actor("U0BOB0001", "bob", "slack"), approve.By);
    }

    [Fact]
    public async Task Run_ApproveByNonApprover_RefusalNamesApproversAndChangesNothing()
    {
        var text = await RunAsync("approve checkout", "U0MALLORY");
        Assert.Contains("mallory may not approve checkout; approvers of checkout: @sre", text);
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Run_Freeze_SaysFreezesAreNotAvailableHereAndChangesNothing()
    {
        var text = await RunAsync("freeze all for 2h launch day", "U0BOB0001"); // an approver (@sre): allowed, but no freeze service
        Assert.Contains("Freezes cannot be set here", text);
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Run_Help_ListsEveryUsage()
    {
        var text = await RunAsync("help");
        Assert.Contains("/release history <service> [n]", text);
        Assert.Contains("/release unfreeze <service|all>", text);
    }

    [Fact]
    public async Task Run_DeployWhileAnotherIsActive_PassesStartWithCurrentConfigToEngine()
    {
        // The sample config names no deployers, so anyone in the workspace may deploy.
        await RunAsync("deploy checkout 1.5.0");
        var start = Assert.IsType<StartRollout>(Assert.Single(_app.Rollouts.Inputs));
        Assert.Equal("1.5.0", start.Version);
        Assert.Equal("checkout", start.Config.Service);
    }
}

using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Orphans;
using Bot.Functions.Releases;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Slack;

/// <summary><c>/release restore</c> from Slack: the shared grammar, Slack's authorizer (user groups), the one restore path.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class SlackRestoreCommandTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private SlackTestApp _app = null!;
    private readonly RecordingTrafficRouter _router = new();
    private readonly RecordingAuditLog _audit = new();
    private static readonly string Key = RecordingTrafficRouter.Key(TrafficTarget.For(SlackRolloutSamples.Config()));

    public async Task InitializeAsync()
    {
        _router.Seed(Key, 10); // the bot wrote 90/10; the rollout that owned it is gone
        _app = await SlackTestApp.StartAsync(azurite, s => s.AddSingleton(sp => new OrphanRestore(
            _router,
            new RolloutExecutor(sp.GetRequiredService<IRolloutStore>(), _router, new NullDeploymentController(), new RecordingNotifier(),
                new RecordingScheduler(), _audit, RolloutMachine.Decide, sp.GetRequiredService<TimeProvider>()),
            new OrphanRegistry(azurite.CreateTableService(), AzuriteFixture.NewName("orph")))));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> RunAsync(string text, string user)
    {
        var before = _app.Slack.ResponseUrlPosts.Count;
        await _app.Client.SendAsync(_app.Signed("/api/slack/commands", _app.CommandBody(text, user)));
        return (await _app.RepliesAsync(before + 1))[before].Body["text"]!.GetValue<string>();
    }

    [Fact]
    public async Task Restore_ByGroupMemberWithoutRollout_ReturnsTrafficToStableAndAudits()
    {
        var refused = await RunAsync("restore checkout", "U0MALLORY");
        Assert.Contains("mallory may not restore checkout", refused);
        Assert.Equal(10, _router.WeightOf(Key));

        var text = await RunAsync("restore checkout after the outage", "U0BOB0001");

        Assert.Contains("traffic restored to stable", text);
        Assert.Equal(0, _router.WeightOf(Key));
        var audit = Assert.Single(_audit.Entries);
        Assert.Equal(("restore", "bob", "slack"), (audit.Action, audit.By.Name, audit.By.Surface));
        Assert.EndsWith("after the outage", audit.Reason);
    }

    [Fact]
    public async Task Restore_WhileARolloutIsActive_RefusedInFavourOfRollback()
    {
        _app.Store.Overwrite(new ServiceState { Service = "checkout", Active = SlackRolloutSamples.Waiting(), Sequence = 7 });

        var text = await RunAsync("restore checkout", "U0BOB0001");

        Assert.Contains("use /release rollback checkout", text);
        Assert.Contains("Nothing changed.", text);
        Assert.Equal(10, _router.WeightOf(Key));
        Assert.Empty(_audit.Entries);
    }
}

using Bot.Functions.Tests.Support;
using System.Net;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;
using Bot.Functions.Hosting;
using Bot.Functions.Slack;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Slack;

[Collection(AzuriteFixture.Collection)]
public class SlackEndpointsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private SlackTestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await SlackTestApp.StartAsync(azurite);
        _app.Seed(SlackRolloutSamples.Waiting());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Commands_ValidSignature_AcksAtOnceWithEphemeralThenRepliesViaResponseUrl()
    {
        var r = await _app.Client.SendAsync(_app.Signed("/api/slack/commands", _app.CommandBody("status checkout")));

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var ack = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", ack["response_type"]!.GetValue<string>());
        Assert.Contains("working on it", ack["text"]!.GetValue<string>());
        var reply = Assert.Single(await _app.RepliesAsync(1));
        Assert.StartsWith("https://hooks.slack.com/commands/", reply.Url.AbsoluteUri);
        _app.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task Commands_TimestampSixMinutesOld_Returns401AndDoesNothing()
    {
        var r = await _app.Client.SendAsync(_app.Signed("/api/slack/commands", _app.CommandBody("status"), at: _app.Time.GetUtcNow().AddMinutes(-6)));
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Contains("5 minutes", await r.Content.ReadAsStringAsync());
        Assert.Empty(_app.Slack.Calls);
        Assert.Empty(_app.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task Interactions_WrongSecret_Returns401AndNothingChanges()
    {
        var r = await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("approve", "checkout-7|2|1", "U0BOB0001"), secret: "guess"));
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Interactions_MissingSignatureHeaders_Returns401()
    {
        var req = _app.Signed("/api/slack/interactions", _app.ClickBody("approve", "checkout-7|2|1", "U0BOB0001"));
        req.Headers.Remove(SlackSignature.SignatureHeader);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.Client.SendAsync(req)).StatusCode);
    }

    [Theory]
    [InlineData("/api/slack/interactions", "payload=%7Bbroken", "not valid JSON")]
    [InlineData("/api/slack/interactions", "token=x", "'payload' is missing")]
    [InlineData("/api/slack/commands", "team_id=T1&channel_id=C1&command=%2Frelease", "'user_id'")]
    public async Task Endpoints_MalformedSignedBody_Returns400SayingWhat(string path, string body, string expected)
    {
        var r = await _app.Client.SendAsync(_app.Signed(path, body));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains(expected, await r.Content.ReadAsStringAsync());
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Interactions_ApproveByGroupMember_ExecutesBoundApprove()
    {
        var r = await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("approve", "checkout-7|2|1", "U0BOB0001")));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await _app.RepliesAsync(1);

        var approve = Assert.IsType<Approve>(Assert.Single(_app.Rollouts.Inputs));
        Assert.Equal(("checkout-7", 1, 2), (approve.RolloutId, approve.StepIndex, approve.Revision));
        Assert.Equal(new Actor("U0BOB0001", "bob", "slack"), approve.By);
        _app.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task Interactions_ApproveByNonApprover_EphemeralRefusalNamingApprovers()
    {
        await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("approve", "checkout-7|2|1", "U0MALLORY")));
        var reply = Assert.Single(await _app.RepliesAsync(1)).Body;

        Assert.Equal("ephemeral", reply["response_type"]!.GetValue<string>());
        Assert.Contains("approvers of checkout: @sre", reply["text"]!.GetValue<string>());
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Interactions_ReplayedClick_ActsOnce()
    {
        var body = _app.ClickBody("approve", "checkout-7|2|1", "U0BOB0001", actionTs: "1700000100.000001", triggerId: "9.8.7");
        await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", body));
        var retry = _app.Signed("/api/slack/interactions", body);
        retry.Headers.Add(SlackSignature.RetryNumHeader, "1");
        var second = await _app.Client.SendAsync(retry);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        // Both reach the engine; the second is a repeat of a delivery it acted on: no change, no second reply.
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(_app.Rollouts.Inputs.Count == 2));
        Assert.Single(_app.Rollouts.Accepted);
        Assert.Single(await _app.RepliesAsync(1));
        Assert.Equal("slack-action:9.8.7|1700000100.000001", Assert.Single((await _app.Store.GetAsync("checkout", default))!.Value.Deliveries).Id);
    }

    [Fact]
    public async Task Interactions_QueuedRetryOfAClickItsFirstRunActedOn_IsAnsweredOnceMoreAndChangesNothing()
    {
        // The click's work, received now; its first run acts a second later, then its process dies before the lease ends,
        // so the trigger takes the same message again (simulated by putting it twice).
        var body = _app.ClickBody("approve", "checkout-7|2|1", "U0BOB0001", actionTs: "1700000200.000001", triggerId: "9.8.8");
        var action = SlackPayloadParser.ParseBlockActions(System.Text.Encoding.UTF8.GetBytes(body)).Value!;
        var work = new SlackActionWork(action) { ReceivedAt = _app.Time.GetUtcNow() };
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        var queue = _app.App.Services.GetRequiredService<WorkQueue<SlackWork>>();

        await queue.EnqueueAsync(work, default);
        Assert.Contains("approved by bob", Assert.Single(await _app.RepliesAsync(1)).Body["text"]!.GetValue<string>());
        await queue.EnqueueAsync(work, default);
        var replies = await _app.RepliesAsync(2);

        // Its own earlier run acted: the retry says so (the first reply may never have gone out), and changes nothing.
        Assert.Equal("Already done on checkout-7 (now progressing at 10%); nothing changed now.", replies[1].Body["text"]!.GetValue<string>());
        Assert.Single(_app.Rollouts.Accepted);
    }

    [Fact]
    public async Task Interactions_StaleApproveForOldRevision_RefusedWithoutChange()
    {
        await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("approve", "checkout-7|1|1", "U0BOB0001")));
        var text = Assert.Single(await _app.RepliesAsync(1)).Body["text"]!.GetValue<string>();
        Assert.Contains("stale approval: it was for checkout-7 step 2, revision 1", text);
        Assert.Contains("Nothing changed", text);
        Assert.Empty(_app.Rollouts.Accepted);
        Assert.Equal("approve-refused", Assert.Single(_app.Audit.Entries).Action);
    }

    [Fact]
    public async Task Interactions_ClickOnFinishedRollout_ExplainsWithoutChange()
    {
        _app.Seed(SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.RolledBack });
        await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("rollback", "checkout-7|2|1", "U0BOB0001")));
        Assert.Contains("already rolled back", Assert.Single(await _app.RepliesAsync(1)).Body["text"]!.GetValue<string>());
        Assert.Empty(_app.Rollouts.Accepted);
        Assert.Equal("rollback-refused", Assert.Single(_app.Audit.Entries).Action);
    }

    [Fact]
    public async Task Interactions_UnknownAction_ExplainsWithoutChange()
    {
        await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("launch_missiles", "checkout-7|2|1", "U0BOB0001")));
        Assert.Contains("Unknown action 'launch_missiles'", Assert.Single(await _app.RepliesAsync(1)).Body["text"]!.GetValue<string>());
        Assert.Empty(_app.Rollouts.Inputs);
    }

    [Fact]
    public async Task Interactions_SelfApprovalRefusedByEngine_IsEphemeral()
    {
        _app.Seed(SlackRolloutSamples.Waiting() with { StartedBy = new Actor("U0BOB0001", "bob", "slack") });
        await _app.Client.SendAsync(_app.Signed("/api/slack/interactions", _app.ClickBody("approve", "checkout-7|2|1", "U0BOB0001")));
        Assert.Contains("another approver", Assert.Single(await _app.RepliesAsync(1)).Body["text"]!.GetValue<string>());
    }
}

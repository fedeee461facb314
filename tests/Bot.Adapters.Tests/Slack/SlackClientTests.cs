using System.Net;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.TestKit;
using Bot.TestKit.Slack;

namespace Bot.Adapters.Tests.Slack;

public class SlackClientTests
{
    private const string Channel = "C0CHECKOUT1";
    private readonly FakeTimeProvider _time = new();
    private readonly SlackDouble _slack = new SlackDouble().WithChannel(Channel).WithUser("U0ALICE01", "alice", "Alice Liddell").WithUserGroup("S0SRE0001", "U0ALICE01", "U0BOB0001");

    private SlackClient CreateSut(SlackOptions? options = null) => _slack.CreateClient(_time, options);

    private static SlackMessage Msg(string text) => new(text, [new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text } }]);

    [Fact]
    public async Task PostMessageAsync_ValidMessage_SendsBearerTokenJsonAndReturnsRef()
    {
        var posted = await CreateSut().PostMessageAsync(Channel, Msg("*checkout* 1.4.0 started"), null, default);

        Assert.Equal(Channel, posted.Channel);
        Assert.Matches(@"^\d{10}\.\d{6}$", posted.Ts);
        var call = Assert.Single(_slack.CallsTo("chat.postMessage"));
        Assert.Equal($"Bearer {SlackDouble.BotToken}", call.Authorization);
        Assert.Equal("*checkout* 1.4.0 started", Assert.Single(_slack.Messages(Channel)).Text);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task PostMessageAsync_InThread_PostsReply()
    {
        var sut = CreateSut();
        var root = await sut.PostMessageAsync(Channel, Msg("root"), null, default);
        await sut.PostMessageAsync(Channel, new SlackMessage("step done"), root.Ts, default);
        Assert.Equal("step done", Assert.Single(_slack.Thread(Channel, root.Ts)).Text);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task PostMessageAsync_UnknownChannel_ThrowsChannelNotFound()
    {
        var e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut().PostMessageAsync("C0UNKNOWN9", Msg("x"), null, default));
        Assert.Equal(("chat.postMessage", "channel_not_found"), (e.Method, e.Error));
        Assert.True(e.IsNotFound);
    }

    [Fact]
    public async Task PostMessageAsync_WrongToken_ThrowsInvalidAuth()
    {
        var e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut(SlackDoubleClients.Options("xoxb-revoked")).PostMessageAsync(Channel, Msg("x"), null, default));
        Assert.Equal("invalid_auth", e.Error);
        Assert.True(e.IsAuthError);
    }

    [Fact]
    public async Task UpdateMessageAsync_UnknownTs_ThrowsMessageNotFound()
    {
        var e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut().UpdateMessageAsync(new(Channel, "1700000000.999999"), Msg("x"), default));
        Assert.Equal("message_not_found", e.Error);
    }

    [Fact]
    public async Task UpdateMessageAsync_PostedMessage_ReplacesTextAndBlocks()
    {
        var sut = CreateSut();
        var m = await sut.PostMessageAsync(Channel, Msg("10%"), null, default);
        await sut.UpdateMessageAsync(m, new SlackMessage("done"), default);
        var now = Assert.Single(_slack.Messages(Channel));
        Assert.Equal(("done", 1), (now.Text, now.Edits));
        Assert.Empty(now.Blocks!);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task UpdateMessageAsync_ScriptedEditWindowClosed_ThrowsWithSlacksCode()
    {
        var sut = CreateSut();
        var m = await sut.PostMessageAsync(Channel, Msg("10%"), null, default);
        _slack.FailNext("chat.update", "edit_window_closed");
        var e = await Assert.ThrowsAsync<SlackApiException>(() => sut.UpdateMessageAsync(m, Msg("x"), default));
        Assert.Equal("edit_window_closed", e.Error);
    }

    [Fact]
    public async Task PostMessageAsync_429WithRetryAfter_WaitsExactlyThatLongThenSucceeds()
    {
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 7);
        var task = CreateSut().PostMessageAsync(Channel, Msg("x"), null, default);

        await _slack.WaitForCallsAsync(1, "chat.postMessage");
        _time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.False(task.IsCompleted);
        Assert.Single(_slack.CallsTo("chat.postMessage"));

        _time.Advance(TimeSpan.FromSeconds(0.1));
        await task;
        Assert.Equal(2, _slack.CallsTo("chat.postMessage").Count);
        Assert.Single(_slack.Messages(Channel));
    }

    [Fact]
    public async Task PostMessageAsync_429WhileWaitsSuspended_ThrowsAtOnceWithRetryAfter()
    {
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 5);
        SlackApiException e;
        using (Bot.Adapters.Http.RateLimitWaits.Suspend())
            e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut().PostMessageAsync(Channel, Msg("x"), null, default));
        Assert.True(e.IsRateLimited);
        Assert.Equal(TimeSpan.FromSeconds(5), e.RetryAfter);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task PostMessageAsync_429LongerThanMaxRetryAfter_ThrowsRateLimitedWithoutWaiting()
    {
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 120);
        var e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut().PostMessageAsync(Channel, Msg("x"), null, default));
        Assert.True(e.IsRateLimited);
        Assert.Equal(TimeSpan.FromSeconds(120), e.RetryAfter);
        Assert.Single(_slack.CallsTo("chat.postMessage"));
    }

    [Fact]
    public async Task PostMessageAsync_Two503ThenOk_Retries()
    {
        _slack.ServerErrorNext("chat.postMessage", HttpStatusCode.ServiceUnavailable, times: 2);
        await CreateSut().PostMessageAsync(Channel, Msg("x"), null, default);
        Assert.Equal(3, _slack.CallsTo("chat.postMessage").Count);
        Assert.Single(_slack.Messages(Channel));
    }

    [Fact]
    public async Task PostMessageAsync_503BeyondRetries_ThrowsHttpError()
    {
        _slack.ServerErrorNext("chat.postMessage", HttpStatusCode.BadGateway, times: 4);
        var e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut().PostMessageAsync(Channel, Msg("x"), null, default));
        Assert.Equal(("http_502", 4), (e.Error, _slack.CallsTo("chat.postMessage").Count));
    }

    [Fact]
    public async Task PostEphemeralAsync_KnownUser_OnlyThatUserSeesIt()
    {
        var ts = await CreateSut().PostEphemeralAsync(Channel, "U0ALICE01", new SlackMessage("only you"), null, default);
        Assert.NotNull(ts);
        Assert.Equal(("U0ALICE01", "only you"), (Assert.Single(_slack.Ephemerals).User, _slack.Ephemerals[0].Text));
        Assert.Empty(_slack.Messages(Channel));
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task GetUserGroupMembersAsync_KnownGroup_ReturnsMembersViaGet()
    {
        var members = await CreateSut().GetUserGroupMembersAsync("S0SRE0001", default);
        Assert.Equal(["U0ALICE01", "U0BOB0001"], members);
        Assert.Equal("GET", _slack.CallsTo("usergroups.users.list")[0].HttpMethod);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task GetUserInfoAsync_KnownAndUnknown_ReturnsUserOrUserNotFound()
    {
        var sut = CreateSut();
        var u = await sut.GetUserInfoAsync("U0ALICE01", default);
        Assert.Equal(("alice", "Alice Liddell"), (u.Name, u.RealName));
        Assert.Equal("user_not_found", (await Assert.ThrowsAsync<SlackApiException>(() => sut.GetUserInfoAsync("U0NOBODY1", default))).Error);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task ResponseUrl_SixthUse_IsNotSent()
    {
        var sut = _slack.CreateResponseUrlClient(_time);
        var url = new Uri("https://hooks.slack.com/commands/T1/2/abc");
        for (var i = 0; i < 5; i++) Assert.True(await sut.TryPostAsync(url, new SlackResponse($"reply {i}"), default));
        Assert.False(await sut.TryPostAsync(url, new SlackResponse("one too many"), default));
        Assert.Equal(5, _slack.ResponseUrlPosts.Count);
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task ResponseUrl_After30Minutes_IsNotSent()
    {
        var sut = _slack.CreateResponseUrlClient(_time);
        var url = new Uri("https://hooks.slack.com/commands/T1/2/def");
        Assert.True(await sut.TryPostAsync(url, new SlackResponse("first"), default));
        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.False(await sut.TryPostAsync(url, new SlackResponse("late"), default));
    }
}

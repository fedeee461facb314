using Bot.Adapters.Slack;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.Slack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Adapters.Tests.Slack;

public class SlackNotifierTests
{
    private const string Channel = "C0CHECKOUT1";
    private readonly FakeTimeProvider _time = new(SlackRolloutSamples.Start.AddMinutes(2));
    private readonly SlackDouble _slack = new SlackDouble().WithChannel(Channel);
    private readonly InMemorySlackMessageStore _store = new();

    private SlackNotifier CreateSut() => new(_slack.CreateClient(_time), _store, _time, NullLogger<SlackNotifier>.Instance);

    private static Notify N(NoticeKind kind, string text, RolloutState s) => new(kind, text, s) { RolloutId = s.Id };

    [Fact]
    public async Task PublishAsync_StartedThenStepEvents_PostsOnceUpdatesInPlaceAndThreads()
    {
        var sut = CreateSut();
        var s = SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.Progressing, StepIndex = 0, CanaryWeight = 0 };
        await sut.PublishAsync(N(NoticeKind.Started, "checkout 1.4.0 started", s), default);
        await sut.PublishAsync(N(NoticeKind.StepDone, "setWeight 10 done", s with { CanaryWeight = 10, StepIndex = 1 }), default);
        await sut.PublishAsync(N(NoticeKind.WaitingApproval, "waiting for approval from @sre", SlackRolloutSamples.Waiting()), default);

        var live = Assert.Single(_slack.Messages(Channel));
        Assert.Equal(2, live.Edits);
        Assert.Contains("canary 10%", live.Text);
        Assert.Equal(live, _slack.Messages(Channel)[0]);
        Assert.Equal(new SlackMessageRef(Channel, live.Ts), await _store.GetAsync("checkout-7", default));
        var thread = _slack.Thread(Channel, live.Ts);
        Assert.Equal([":white_check_mark: setWeight 10 done", ":raised_hand: waiting for approval from @sre"], thread.Select(t => t.Text));
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task PublishAsync_SameNoticeTwice_OneThreadReply()
    {
        var sut = CreateSut();
        var n = N(NoticeKind.StepDone, "setWeight 10 done", SlackRolloutSamples.Waiting());
        await sut.PublishAsync(n, default);
        await sut.PublishAsync(n, default);
        Assert.Single(_slack.Thread(Channel, _slack.Messages(Channel)[0].Ts));
    }

    [Fact]
    public async Task PublishAsync_ThreadReplyRefused_RetryPostsItOnce()
    {
        var sut = CreateSut();
        var s = SlackRolloutSamples.Waiting();
        await sut.PublishAsync(N(NoticeKind.Started, "checkout 1.4.0 started", s), default);
        var n = N(NoticeKind.StepDone, "setWeight 10 done", s);
        _slack.RateLimitNext("chat.postMessage", retryAfterSeconds: 5);

        using (Bot.Adapters.Http.RateLimitWaits.Suspend())
            await Assert.ThrowsAsync<SlackApiException>(() => sut.PublishAsync(n, default));
        await sut.PublishAsync(n, default);
        await sut.PublishTimelineAsync(n, default);

        var thread = _slack.Thread(Channel, _slack.Messages(Channel)[0].Ts);
        Assert.Equal([":white_check_mark: setWeight 10 done"], thread.Select(t => t.Text));
    }

    [Fact]
    public async Task PublishAsync_Finished_DropsButtons()
    {
        var sut = CreateSut();
        await sut.PublishAsync(N(NoticeKind.WaitingApproval, "waiting", SlackRolloutSamples.Waiting()), default);
        await sut.PublishAsync(N(NoticeKind.RolledBack, "rolled back by bob", SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.RolledBack, CanaryWeight = 0, FinishedAt = _time.GetUtcNow() }), default);
        var live = Assert.Single(_slack.Messages(Channel));
        Assert.DoesNotContain(live.Blocks!, b => b!["type"]!.GetValue<string>() == "actions");
    }

    [Fact]
    public async Task PublishAsync_MessageDeletedInSlack_PostsNewOneAndRemembersIt()
    {
        var sut = CreateSut();
        await _store.SaveAsync("checkout-7", new SlackMessageRef(Channel, "1600000000.000001"), default);
        await sut.PublishAsync(N(NoticeKind.Approved, "approved by bob", SlackRolloutSamples.Waiting()), default);
        var live = Assert.Single(_slack.Messages(Channel));
        Assert.Equal(live.Ts, (await _store.GetAsync("checkout-7", default))!.Ts);
    }

    [Fact]
    public async Task PublishAsync_NoChannel_PostsNothing()
    {
        var s = SlackRolloutSamples.Waiting(SlackRolloutSamples.Config(channel: null!));
        await CreateSut().PublishAsync(N(NoticeKind.Started, "x", s), default);
        Assert.Empty(_slack.Calls);
    }

    [Fact]
    public async Task PublishAsync_ChannelGone_SurfacesSlackError()
    {
        var s = SlackRolloutSamples.Waiting(SlackRolloutSamples.Config("C0ARCHIVED1"));
        var e = await Assert.ThrowsAsync<SlackApiException>(() => CreateSut().PublishAsync(N(NoticeKind.Started, "x", s), default));
        Assert.Equal("channel_not_found", e.Error);
    }
}

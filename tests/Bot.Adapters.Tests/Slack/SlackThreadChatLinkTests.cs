using Bot.Adapters.Slack;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.Slack;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Adapters.Tests.Slack;

/// <summary>The check run and a deployment-protection answer link the rollout's Slack thread (its live message's permalink,
/// asked for once); before the message exists, or when Slack does not answer, the channel.</summary>
public sealed class SlackThreadChatLinkTests
{
    private const string Channel = "C0CHECKOUT1";
    private readonly FakeTimeProvider _time = new(SlackRolloutSamples.Start.AddMinutes(2));
    private readonly SlackDouble _slack = new SlackDouble().WithChannel(Channel);
    private readonly InMemorySlackMessageStore _store = new();

    private SlackThreadChatLink CreateSut() => new(_slack.CreateClient(_time), _store, NullLogger<SlackThreadChatLink>.Instance);

    private async Task<RolloutState> PostedAsync()
    {
        var rollout = SlackRolloutSamples.Waiting();
        await new SlackNotifier(_slack.CreateClient(_time), _store, _time, NullLogger<SlackNotifier>.Instance)
            .PublishAsync(new Notify(NoticeKind.WaitingApproval, "waiting for approval", rollout) { RolloutId = rollout.Id }, default);
        return rollout;
    }

    [Fact]
    public async Task PostedMessage_LinksItsPermalink_AskedForOnce()
    {
        var rollout = await PostedAsync();
        var live = Assert.Single(_slack.Messages(Channel));
        var sut = CreateSut();

        Assert.Equal(SlackDouble.PermalinkOf(Channel, live.Ts), await sut.GetLinkAsync(rollout, default));
        Assert.Equal(SlackDouble.PermalinkOf(Channel, live.Ts), await sut.GetLinkAsync(rollout, default));

        Assert.Equal(1, _slack.Calls.Count(c => c.Method == "chat.getPermalink"));
        _slack.AssertNoViolations();
    }

    [Fact]
    public async Task NoMessageYet_LinksTheChannel()
    {
        var link = await CreateSut().GetLinkAsync(SlackRolloutSamples.Waiting(), default);

        Assert.Equal($"https://slack.com/app_redirect?channel={Channel}", link);
        Assert.DoesNotContain(_slack.Calls, c => c.Method == "chat.getPermalink");
    }

    [Fact]
    public async Task SlackDoesNotKnowTheMessage_LinksTheChannel()
    {
        var rollout = SlackRolloutSamples.Waiting();
        await _store.SaveAsync(rollout.Id, new SlackMessageRef(Channel, "1700000000.000999"), default);

        var link = await CreateSut().GetLinkAsync(rollout, default);

        Assert.Equal($"https://slack.com/app_redirect?channel={Channel}", link);
        Assert.Single(_slack.Calls, c => c.Method == "chat.getPermalink");
    }
}

using System.Collections.Concurrent;
using Bot.Adapters.GitHub;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.Slack;

/// <summary>
/// Links a rollout's live Slack message, whose thread holds its story (<c>chat.getPermalink</c>; a permalink never changes,
/// so each is asked for once per process). Before the message is posted, or when Slack does not answer, the channel is
/// linked instead (<see cref="ChannelChatLink"/>): a link is never worth failing a check run or an answer to GitHub for.
/// </summary>
public sealed class SlackThreadChatLink(SlackClient slack, ISlackMessageStore messages, ILogger<SlackThreadChatLink> log) : IRolloutChatLink
{
    private static readonly ChannelChatLink Channel = new();
    private readonly ConcurrentDictionary<SlackMessageRef, string> _permalinks = new();

    public async Task<string?> GetLinkAsync(RolloutState rollout, CancellationToken ct)
    {
        if (await messages.GetAsync(rollout.Id, ct) is not { } message) return await Channel.GetLinkAsync(rollout, ct);
        if (_permalinks.TryGetValue(message, out var known)) return known;
        try
        {
            var link = (await slack.GetPermalinkAsync(message, ct)).ToString();
            _permalinks[message] = link;
            return link;
        }
        catch (SlackApiException e)
        {
            log.LogWarning("{Rollout}: no permalink for its Slack message ({Error}); linking the channel", rollout.Id, e.Error);
            return await Channel.GetLinkAsync(rollout, ct);
        }
    }
}

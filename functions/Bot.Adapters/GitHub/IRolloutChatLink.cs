using Bot.Core.Rollouts;

namespace Bot.Adapters.GitHub;

/// <summary>The link to a rollout's chat message, shown in the check-run summary. The Slack adapter can register one
/// that answers the live message's permalink; without it the channel is linked.</summary>
public interface IRolloutChatLink
{
    Task<string?> GetLinkAsync(RolloutState rollout, CancellationToken ct);
}

/// <summary>Links the service's Slack channel (<c>slack.com/app_redirect</c> opens it in the user's workspace).</summary>
public sealed class ChannelChatLink : IRolloutChatLink
{
    public Task<string?> GetLinkAsync(RolloutState rollout, CancellationToken ct) =>
        Task.FromResult(rollout.Config.ChatChannel is { Length: > 0 } c ? $"https://slack.com/app_redirect?channel={Uri.EscapeDataString(c)}" : null);
}

namespace Bot.Adapters.Slack;

/// <summary>Remembers each rollout's live Slack message (channel + ts) and which thread replies were posted, so a
/// re-applied notice updates the same message and never posts the same reply twice.</summary>
public interface ISlackMessageStore
{
    Task<SlackMessageRef?> GetAsync(string rolloutId, CancellationToken ct);
    Task SaveAsync(string rolloutId, SlackMessageRef message, CancellationToken ct);
    /// <summary>True the first time <paramref name="replyKey"/> is claimed for the rollout.</summary>
    Task<bool> TryClaimReplyAsync(string rolloutId, string replyKey, CancellationToken ct);
    /// <summary>Gives a claim back when the reply could not be posted, so the retry posts it (a thread post is never lost).</summary>
    Task ReleaseReplyAsync(string rolloutId, string replyKey, CancellationToken ct);
}

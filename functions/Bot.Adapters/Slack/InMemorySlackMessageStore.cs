using System.Collections.Concurrent;

namespace Bot.Adapters.Slack;

/// <summary>Process-local <see cref="ISlackMessageStore"/> (tests, single-node installs without storage).</summary>
public sealed class InMemorySlackMessageStore : ISlackMessageStore
{
    private readonly ConcurrentDictionary<string, SlackMessageRef> _messages = new();
    private readonly ConcurrentDictionary<(string, string), byte> _replies = new();

    public Task<SlackMessageRef?> GetAsync(string rolloutId, CancellationToken ct) =>
        Task.FromResult(_messages.TryGetValue(rolloutId, out var m) ? m : null);

    public Task SaveAsync(string rolloutId, SlackMessageRef message, CancellationToken ct)
    {
        _messages[rolloutId] = message;
        return Task.CompletedTask;
    }

    public Task<bool> TryClaimReplyAsync(string rolloutId, string replyKey, CancellationToken ct) =>
        Task.FromResult(_replies.TryAdd((rolloutId, replyKey), 0));

    public Task ReleaseReplyAsync(string rolloutId, string replyKey, CancellationToken ct)
    {
        _replies.TryRemove((rolloutId, replyKey), out _);
        return Task.CompletedTask;
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;

namespace Bot.Adapters.GitHub;

/// <summary>For tests and single-process setups without storage.</summary>
public sealed class InMemoryGitHubOutputStore : IGitHubOutputStore
{
    private readonly ConcurrentDictionary<string, GitHubRolloutOutputs> _items = new();
    public Task<GitHubRolloutOutputs?> GetAsync(string rolloutId, CancellationToken ct) => Task.FromResult(_items.GetValueOrDefault(rolloutId));
    public Task SaveAsync(GitHubRolloutOutputs outputs, CancellationToken ct) { _items[outputs.RolloutId] = outputs; return Task.CompletedTask; }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;

namespace Bot.Adapters.GitHub;

/// <summary>Keeps <see cref="GitHubRolloutOutputs"/> per rollout.</summary>
public interface IGitHubOutputStore
{
    Task<GitHubRolloutOutputs?> GetAsync(string rolloutId, CancellationToken ct);
    Task SaveAsync(GitHubRolloutOutputs outputs, CancellationToken ct);
}

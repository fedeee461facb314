using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Protection;
using Bot.Core.Rollouts;

namespace Bot.Adapters.GitHub;

/// <summary>The <see cref="DeploymentGate"/>s of one commit of one service (every run and environment waiting on it),
/// guarded by an ETag so two instances never both answer from stale state.</summary>
public interface IDeploymentGateStore
{
    Task<Versioned<IReadOnlyList<DeploymentGate>>?> GetAsync(string service, string sha, CancellationToken ct);

    /// <summary>Creates (etag null) or conditionally replaces the gates. Throws <see cref="ConcurrencyConflictException"/>
    /// when the ETag is stale or the row already exists. Returns the new ETag.</summary>
    Task<string> SaveAsync(string service, string sha, IReadOnlyList<DeploymentGate> gates, string? etag, CancellationToken ct);
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Protection;
using Bot.Core.Rollouts;

namespace Bot.Adapters.GitHub;

/// <summary>For tests and single-process setups without storage.</summary>
public sealed class InMemoryDeploymentGateStore : IDeploymentGateStore
{
    private readonly ConcurrentDictionary<(string, string), Versioned<IReadOnlyList<DeploymentGate>>> _rows = new();

    public Task<Versioned<IReadOnlyList<DeploymentGate>>?> GetAsync(string service, string sha, CancellationToken ct) =>
        Task.FromResult(_rows.GetValueOrDefault((service, sha)));

    public Task<string> SaveAsync(string service, string sha, IReadOnlyList<DeploymentGate> gates, string? etag, CancellationToken ct)
    {
        var next = new Versioned<IReadOnlyList<DeploymentGate>>(gates, Guid.NewGuid().ToString("N"));
        var ok = etag is null ? _rows.TryAdd((service, sha), next)
            : _rows.TryGetValue((service, sha), out var current) && current.ETag == etag && _rows.TryUpdate((service, sha), next, current);
        return ok ? Task.FromResult(next.ETag) : throw new ConcurrencyConflictException($"deployment gates of {service}@{sha} changed since they were read");
    }
}

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

/// <summary>Azure Table <paramref name="table"/> (default <c>deploymentgates</c>): PartitionKey = service, RowKey = commit
/// SHA, the gates as <see cref="StateJson"/>.</summary>
public sealed class TableDeploymentGateStore(ITableService tables, string table = TableDeploymentGateStore.DefaultTable) : IDeploymentGateStore
{
    public const string DefaultTable = "deploymentgates";
    private readonly EnsureOnce _ensure = EnsureOnce.Table(tables, table);

    public async Task<Versioned<IReadOnlyList<DeploymentGate>>?> GetAsync(string service, string sha, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct);
        var e = await tables.GetAsync(table, KeyEncoding.Encode(service), KeyEncoding.Encode(sha), ct);
        return e is null ? null : new(StateJson.Deserialize<List<DeploymentGate>>(TableJsonChunks.Read(e)), e.ETag!);
    }

    public async Task<string> SaveAsync(string service, string sha, IReadOnlyList<DeploymentGate> gates, string? etag, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct);
        var props = new JsonObject();
        TableJsonChunks.Write(props, StateJson.Serialize(gates), $"deployment gates of {service}@{sha}");
        var entity = new TableEntity(KeyEncoding.Encode(service), KeyEncoding.Encode(sha), props);
        try
        {
            return etag is null ? await tables.InsertAsync(table, entity, ct) : await tables.UpdateAsync(table, entity, etag, ct);
        }
        catch (StorageException e) when (e.IsConflict || e.IsPreconditionFailed)
        {
            throw new ConcurrencyConflictException($"deployment gates of {service}@{sha} changed since they were read ({e.ErrorCode}): re-read and re-decide");
        }
    }
}

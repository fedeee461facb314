using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Protection;
using Bot.Core.Rollouts;

namespace Bot.Adapters.GitHub;

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

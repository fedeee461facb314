using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="IRolloutStore"/> on one table (<see cref="StorageOptions.RolloutsTable"/>):
/// <list type="bullet">
/// <item>service state: PartitionKey <c>state</c>, RowKey = service; ETag concurrency.</item>
/// <item>history: PartitionKey <c>history|{service}</c>, RowKey = inverted <c>CreatedAt</c> ticks + id, so a
/// partition scan is newest first.</item>
/// <item>lookup: PartitionKey <c>rollout|{id}</c>, RowKey <c>rollout</c>, so <see cref="FindAsync"/> is a point read.</item>
/// </list>
/// JSON is <see cref="StateJson"/>, split over several properties when it outgrows one.
/// </summary>
public sealed class TableRolloutStore(ITableService tables, StorageOptions? options = null) : IRolloutStore
{
    private const string StatePartition = "state";
    private const string LookupRow = "rollout";

    private readonly ITableService _tables = tables;
    private readonly string _table = (options ?? new StorageOptions()).RolloutsTable;
    private readonly EnsureOnce _ensure = EnsureOnce.Table(tables, (options ?? new StorageOptions()).RolloutsTable);

    public async Task<Versioned<ServiceState>?> GetAsync(string service, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var entity = await _tables.GetAsync(_table, StatePartition, KeyEncoding.Encode(service), ct).ConfigureAwait(false);
        return entity is null ? null : new Versioned<ServiceState>(StateJson.Deserialize<ServiceState>(TableJsonChunks.Read(entity)), entity.ETag!);
    }

    public async Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        // A write id lets a retried write whose first attempt landed (response lost) recognise itself
        // instead of reporting a conflict with its own earlier attempt.
        var writeId = Guid.NewGuid().ToString("N");
        var properties = new JsonObject { ["WriteId"] = writeId, ["ActiveRolloutId"] = state.Active?.Id };
        TableJsonChunks.Write(properties, StateJson.Serialize(state), $"state of service '{state.Service}'");
        var entity = new TableEntity(StatePartition, KeyEncoding.Encode(state.Service), properties);
        try
        {
            return etag is null
                ? await _tables.InsertAsync(_table, entity, ct).ConfigureAwait(false)
                : await _tables.UpdateAsync(_table, entity, etag, ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.IsConflict || e.IsPreconditionFailed || (etag is not null && e.ErrorCode == "ResourceNotFound"))
        {
            var current = await _tables.GetAsync(_table, entity.PartitionKey, entity.RowKey, ct).ConfigureAwait(false);
            if (current?.Properties["WriteId"]?.GetValue<string>() == writeId) return current.ETag!;
            throw new ConcurrencyConflictException(etag is null
                ? $"state of service '{state.Service}' was created concurrently ({e.ErrorCode}): re-read and re-decide"
                : $"state of service '{state.Service}' changed since it was read ({e.ErrorCode}): re-read and re-decide");
        }
    }

    /// <summary>Every service's state (one partition scan), for the reconciling sweep. Not part of <see cref="IRolloutStore"/>.</summary>
    public async Task<IReadOnlyList<Versioned<ServiceState>>> ListStatesAsync(CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var result = new List<Versioned<ServiceState>>();
        await foreach (var entity in _tables.QueryAsync(_table, TableFilter.PartitionKeyEquals(StatePartition), ct).ConfigureAwait(false))
            result.Add(new Versioned<ServiceState>(StateJson.Deserialize<ServiceState>(TableJsonChunks.Read(entity)), entity.ETag!));
        return result;
    }

    public async Task ArchiveAsync(RolloutState rollout, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var json = StateJson.Serialize(rollout);
        // Two copies (the service's history, the id lookup) of one value: written at the same time.
        await Task.WhenAll(
            _tables.UpsertAsync(_table, new TableEntity(HistoryPartition(rollout.Service), HistoryRow(rollout), Row(rollout, json)), ct),
            _tables.UpsertAsync(_table, new TableEntity(LookupPartition(rollout.Id), LookupRow, Row(rollout, json)), ct)).ConfigureAwait(false);
    }

    public async Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var entity = await _tables.GetAsync(_table, LookupPartition(rolloutId), LookupRow, ct).ConfigureAwait(false);
        return entity is null ? null : StateJson.Deserialize<RolloutState>(TableJsonChunks.Read(entity));
    }

    /// <param name="max">At most this many, newest (by <see cref="RolloutState.CreatedAt"/>) first.</param>
    public async Task<IReadOnlyList<RolloutState>> ListAsync(string service, int max, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var result = new List<RolloutState>();
        var filter = TableFilter.PartitionKeyEquals(HistoryPartition(service));
        TableContinuation? continuation = null;
        while (result.Count < max)
        {
            var page = await _tables.QueryPageAsync(_table, filter, Math.Min(max - result.Count, AzureTableService.MaxPageSize), continuation, ct)
                .ConfigureAwait(false);
            result.AddRange(page.Entities.Select(e => StateJson.Deserialize<RolloutState>(TableJsonChunks.Read(e))));
            continuation = page.Continuation;
            if (continuation is null) break;
        }
        return result.Count > max ? result[..max] : result;
    }

    private static JsonObject Row(RolloutState rollout, string json)
    {
        var properties = new JsonObject
        {
            ["RolloutId"] = rollout.Id,
            ["Service"] = rollout.Service,
            ["Version"] = rollout.Version,
            ["Phase"] = rollout.Phase.ToString(),
            ["CreatedAt"] = rollout.CreatedAt,
        };
        TableJsonChunks.Write(properties, json, $"rollout '{rollout.Id}'");
        return properties;
    }

    private static string HistoryPartition(string service) => "history|" + KeyEncoding.Encode(service);

    private static string HistoryRow(RolloutState rollout) =>
        (DateTimeOffset.MaxValue.UtcTicks - rollout.CreatedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + KeyEncoding.Encode(rollout.Id);

    private static string LookupPartition(string rolloutId) => "rollout|" + KeyEncoding.Encode(rolloutId);
}

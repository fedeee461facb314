using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="IAuditLog"/> on <see cref="StorageOptions.AuditTable"/>: PartitionKey = service, RowKey = <c>At</c> ticks
/// + a hash of the entry, so records list in time order and appending the same entry twice (an effect re-applied
/// after a crash) leaves one record.
/// </summary>
public sealed class TableAuditLog : IAuditLog
{
    private readonly ITableService _tables;
    private readonly string _table;
    private readonly EnsureOnce _ensure;

    public TableAuditLog(ITableService tables, StorageOptions? options = null)
    {
        _tables = tables;
        _table = (options ?? new StorageOptions()).AuditTable;
        _ensure = new EnsureOnce(ct => _tables.CreateTableIfNotExistsAsync(_table, ct));
    }

    public async Task AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var json = StateJson.Serialize(entry);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
        var properties = new JsonObject
        {
            ["RolloutId"] = entry.RolloutId,
            ["Action"] = entry.Action,
            ["By"] = entry.By.Name,
            ["Surface"] = entry.By.Surface,
            ["From"] = entry.From.ToString(),
            ["To"] = entry.To.ToString(),
            ["At"] = entry.At,
        };
        TableJsonChunks.Write(properties, json, $"audit entry of rollout '{entry.RolloutId}'");
        var row = entry.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|" + hash;
        await _tables.UpsertAsync(_table, new TableEntity(KeyEncoding.Encode(entry.Service), row, properties), ct).ConfigureAwait(false);
    }

    /// <summary>The service's records (optionally one rollout's), oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string service, string? rolloutId, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var filter = TableFilter.PartitionKeyEquals(KeyEncoding.Encode(service));
        if (rolloutId is not null) filter += " and RolloutId eq " + TableFilter.Literal(rolloutId);
        var result = new List<AuditEntry>();
        await foreach (var entity in _tables.QueryAsync(_table, filter, ct).ConfigureAwait(false))
            result.Add(StateJson.Deserialize<AuditEntry>(TableJsonChunks.Read(entity)));
        return result;
    }
}

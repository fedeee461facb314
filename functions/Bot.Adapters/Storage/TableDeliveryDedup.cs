using System.Text.Json.Nodes;
using Bot.Core.Ports;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="IDeliveryDedup"/> on <see cref="StorageOptions.DeliveriesTable"/>: PartitionKey = source, RowKey = id.
/// Claiming is an insert (EntityAlreadyExists = seen); an expired row is reclaimed with an If-Match replace, so two
/// racing reclaimers cannot both win.
/// </summary>
public sealed class TableDeliveryDedup : IDeliveryDedup
{
    private readonly ITableService _tables;
    private readonly TimeProvider _time;
    private readonly string _table;
    private readonly EnsureOnce _ensure;

    public TableDeliveryDedup(ITableService tables, TimeProvider time, StorageOptions? options = null)
    {
        _tables = tables;
        _time = time;
        _table = (options ?? new StorageOptions()).DeliveriesTable;
        _ensure = new EnsureOnce(ct => _tables.CreateTableIfNotExistsAsync(_table, ct));
    }

    public async Task<bool> TryClaimAsync(string source, string id, TimeSpan ttl, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        // The claim id recognises our own insert when a retried request finds the row its first attempt wrote.
        var claim = Guid.NewGuid().ToString("N");
        var entity = new TableEntity(KeyEncoding.Encode(source), KeyEncoding.Encode(id),
            new JsonObject { ["Claim"] = claim, ["ClaimedAt"] = now, ["ExpiresAt"] = now + ttl });

        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await _tables.InsertAsync(_table, entity, ct).ConfigureAwait(false);
                return true;
            }
            catch (StorageException e) when (e.ErrorCode == "EntityAlreadyExists")
            {
            }

            var existing = await _tables.GetAsync(_table, entity.PartitionKey, entity.RowKey, ct).ConfigureAwait(false);
            if (existing is null) continue; // deleted meanwhile: try the insert again
            if (existing.Properties["Claim"]?.GetValue<string>() == claim) return true;
            if (existing.Properties["ExpiresAt"]?.GetValue<DateTimeOffset>() is { } expires && expires > now) return false;
            try
            {
                await _tables.UpdateAsync(_table, entity, existing.ETag!, ct).ConfigureAwait(false);
                return true;
            }
            catch (StorageException e) when (e.IsPreconditionFailed || e.IsNotFound)
            {
                // Someone else reclaimed (or removed) it first: look again.
            }
        }
        return false;
    }
}

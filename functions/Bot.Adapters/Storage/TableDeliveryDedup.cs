using System.Text.Json.Nodes;
using Bot.Core.Ports;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="IDeliveryDedup"/> on <see cref="StorageOptions.DeliveriesTable"/>: PartitionKey = source, RowKey = id.
/// Claiming is an insert (EntityAlreadyExists = seen); an expired row is reclaimed with an If-Match replace, so two
/// racing reclaimers cannot both win.
/// </summary>
public sealed class TableDeliveryDedup(ITableService tables, TimeProvider time, StorageOptions? options = null) : IDeliveryDedup
{
    private readonly ITableService _tables = tables;
    private readonly TimeProvider _time = time;
    private readonly string _table = (options ?? new StorageOptions()).DeliveriesTable;
    private readonly EnsureOnce _ensure = EnsureOnce.Table(tables, (options ?? new StorageOptions()).DeliveriesTable);

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

    public async Task ReleaseAsync(string source, string id, CancellationToken ct)
    {
        try
        {
            await _tables.DeleteAsync(_table, KeyEncoding.Encode(source), KeyEncoding.Encode(id), "*", ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.IsNotFound)
        {
        }
    }

    /// <summary>Deletes expired claims (oldest pages first, at most <paramref name="max"/>). A row reclaimed meanwhile
    /// keeps its new ETag and is left alone. The filter is on a non-key property, so callers run this rarely.</summary>
    public async Task<int> PurgeExpiredAsync(int max, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        var filter = "ExpiresAt lt " + TableFilter.Literal(_time.GetUtcNow());
        var deleted = 0;
        TableContinuation? next = null;
        do
        {
            var page = await _tables.QueryPageAsync(_table, filter, Math.Min(max - deleted, 1000), next, ct).ConfigureAwait(false);
            foreach (var row in page.Entities)
            {
                try
                {
                    await _tables.DeleteAsync(_table, row.PartitionKey, row.RowKey, row.ETag ?? "*", ct).ConfigureAwait(false);
                    deleted++;
                }
                catch (StorageException e) when (e.IsPreconditionFailed || e.IsNotFound)
                {
                }
            }
            next = page.Continuation;
        }
        while (next is not null && deleted < max);
        return deleted;
    }
}

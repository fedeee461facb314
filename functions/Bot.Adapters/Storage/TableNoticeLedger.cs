using System.Text.Json.Nodes;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Storage;

/// <summary>What the notifications function knows about one rollout on one target (Slack, GitHub): the newest notice
/// seen, and the order of the newest one whose edit was delivered.</summary>
public sealed record NoticeLedgerEntry(NoticeOrder Latest, Notify LatestNotice, NoticeOrder? Rendered);

/// <summary>
/// Coalescing state of the notifications outbox in an Azure table (default <c>notificationstate</c>): partition = rollout
/// id, row = target. <see cref="RecordAsync"/> keeps the newest notice (an older one never replaces it), so edits of the
/// live message and check run are rendered from the latest state, whatever order the queue delivers them in. Writes are
/// guarded by ETags, so instances running the function at once cannot move it backwards.
/// </summary>
public sealed class TableNoticeLedger(ITableService tables, string table = TableNoticeLedger.DefaultTable)
{
    public const string DefaultTable = "notificationstate";
    private readonly EnsureOnce _table = EnsureOnce.Table(tables, table);

    /// <summary>Records <paramref name="notice"/> as the latest unless a newer one is recorded; returns the entry after.</summary>
    public async Task<NoticeLedgerEntry> RecordAsync(string rolloutId, string target, NoticeOrder order, Notify notice, CancellationToken ct)
    {
        await _table.EnsureAsync(ct).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var row = await tables.GetAsync(table, KeyEncoding.Encode(rolloutId), KeyEncoding.Encode(target), ct).ConfigureAwait(false);
            var entry = row is null ? null : Read(row);
            if (entry is not null && entry.Latest >= order) return entry;
            var next = new NoticeLedgerEntry(order, notice, entry?.Rendered);
            try
            {
                if (row is null) await tables.InsertAsync(table, Write(rolloutId, target, next), ct).ConfigureAwait(false);
                else await tables.UpdateAsync(table, Write(rolloutId, target, next), row.ETag!, ct).ConfigureAwait(false);
                return next;
            }
            catch (StorageException e) when ((e.IsConflict || e.IsPreconditionFailed) && attempt < 20)
            {
                // Another instance recorded a notice meanwhile: re-read and compare again.
            }
        }
    }

    public async Task<NoticeLedgerEntry?> GetAsync(string rolloutId, string target, CancellationToken ct)
    {
        await _table.EnsureAsync(ct).ConfigureAwait(false);
        var row = await tables.GetAsync(table, KeyEncoding.Encode(rolloutId), KeyEncoding.Encode(target), ct).ConfigureAwait(false);
        return row is null ? null : Read(row);
    }

    /// <summary>Notes that the edit of <paramref name="order"/> was delivered (never moves the mark backwards).</summary>
    public async Task MarkRenderedAsync(string rolloutId, string target, NoticeOrder order, CancellationToken ct)
    {
        await _table.EnsureAsync(ct).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var row = await tables.GetAsync(table, KeyEncoding.Encode(rolloutId), KeyEncoding.Encode(target), ct).ConfigureAwait(false);
            if (row is null) return;
            var entry = Read(row);
            if (entry.Rendered >= order) return;
            try
            {
                await tables.UpdateAsync(table, Write(rolloutId, target, entry with { Rendered = order }), row.ETag!, ct).ConfigureAwait(false);
                return;
            }
            catch (StorageException e) when (e.IsPreconditionFailed && attempt < 20)
            {
            }
        }
    }

    private static TableEntity Write(string rolloutId, string target, NoticeLedgerEntry e)
    {
        var p = new JsonObject
        {
            ["LatestTicks"] = e.Latest.UpdatedTicks,
            ["LatestStamp"] = e.Latest.Stamp,
        };
        if (e.Rendered is { } r)
        {
            p["RenderedTicks"] = r.UpdatedTicks;
            p["RenderedStamp"] = r.Stamp;
        }
        TableJsonChunks.Write(p, StateJson.Serialize(e.LatestNotice), $"latest notice of {rolloutId} for {target}");
        return new TableEntity(KeyEncoding.Encode(rolloutId), KeyEncoding.Encode(target), p);
    }

    private static NoticeLedgerEntry Read(TableEntity row)
    {
        var p = row.Properties;
        var latest = new NoticeOrder(Long(p["LatestTicks"]), Long(p["LatestStamp"]));
        NoticeOrder? rendered = p["RenderedTicks"] is null ? null : new NoticeOrder(Long(p["RenderedTicks"]), Long(p["RenderedStamp"]));
        return new NoticeLedgerEntry(latest, StateJson.Deserialize<Notify>(TableJsonChunks.Read(row)), rendered);
    }

    private static long Long(JsonNode? n) => n is JsonValue v
        ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : 0
        : 0;
}

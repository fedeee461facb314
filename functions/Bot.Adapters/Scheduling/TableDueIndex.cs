using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;

namespace Bot.Adapters.Scheduling;

/// <summary>
/// <see cref="IDueIndex"/> on Azure Table storage. PartitionKey is the UTC minute the row comes due
/// (<c>yyyyMMddHHmm</c>, so partitions sort by time) and RowKey is <c>{service}|{kind}</c>. The sweep asks for
/// <c>PartitionKey le '{now}'</c>: a range read over past minutes only, however many rollouts wait in the future.
/// </summary>
public sealed class TableDueIndex(ITableService tables, string table = TableDueIndex.DefaultTable) : IDueIndex
{
    /// <summary>The default table name.</summary>
    public const string DefaultTable = "due";

    private readonly EnsureOnce _table = EnsureOnce.Table(tables, table);

    public static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    private static string RowKey(DueItem item) => $"{item.Service}|{item.Kind.ToString().ToLowerInvariant()}";

    public async Task SetAsync(DueItem item, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var props = new JsonObject
        {
            ["Service"] = item.Service,
            ["RolloutId"] = item.RolloutId,
            ["StepIndex"] = item.StepIndex,
            ["Kind"] = item.Kind.ToString(),
            ["DueAt"] = item.DueAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
        };
        await tables.UpsertAsync(table, new TableEntity(Bucket(item.DueAt), RowKey(item), props), ct).ConfigureAwait(false);
    }

    public async Task RemoveAsync(DueItem item, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        try
        {
            await tables.DeleteAsync(table, Bucket(item.DueAt), RowKey(item), "*", ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.IsNotFound)
        {
            // Already removed (another sweep, or a replaced row): nothing to do.
        }
    }

    public async Task<IReadOnlyList<DueItem>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var result = new List<DueItem>();
        var filter = $"PartitionKey le '{Bucket(now)}'";
        TableContinuation? next = null;
        do
        {
            var page = await tables.QueryPageAsync(table, filter, Math.Min(1000, max), next, ct).ConfigureAwait(false);
            foreach (var e in page.Entities)
            {
                if (Parse(e) is { } item && item.DueAt <= now) result.Add(item);
                if (result.Count >= max) return result;
            }
            next = page.Continuation;
        } while (next is not null);
        return result;
    }

    private static DueItem? Parse(TableEntity e)
    {
        var p = e.Properties;
        if (p["Service"]?.GetValue<string>() is not { } service
            || p["RolloutId"]?.GetValue<string>() is not { } rolloutId
            || !Enum.TryParse<DueKind>(p["Kind"]?.GetValue<string>(), out var kind)
            || !DateTimeOffset.TryParse(p["DueAt"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var dueAt))
            return null;
        var step = p["StepIndex"] is JsonValue v && v.TryGetValue<int>(out var i) ? i : p["StepIndex"] is JsonValue l && l.TryGetValue<long>(out var j) ? (int)j : 0;
        return new DueItem(service, rolloutId, step, kind, dueAt);
    }

    private Task EnsureTableAsync(CancellationToken ct) => _table.EnsureAsync(ct);
}

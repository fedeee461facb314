using Bot.Adapters.Scheduling;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Adapters.Freezes;

/// <summary><see cref="IFreezeStore"/> on Azure Table storage: one partition, one row per scope, the freeze as JSON.</summary>
public sealed class TableFreezeStore(ITableService tables, string table = TableFreezeStore.DefaultTable) : IFreezeStore
{
    /// <summary>The default table name.</summary>
    public const string DefaultTable = "freezes";

    private const string Partition = "freeze";
    private readonly EnsureOnce _table = EnsureOnce.Table(tables, table);

    public async Task SetAsync(Freeze freeze, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var props = new JsonObject { ["Json"] = StateJson.Serialize(freeze) };
        await tables.UpsertAsync(table, new TableEntity(Partition, Key(freeze.Scope), props), ct).ConfigureAwait(false);
    }

    public async Task<Freeze?> RemoveAsync(string scope, CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var existing = await tables.GetAsync(table, Partition, Key(scope), ct).ConfigureAwait(false);
        if (existing is null) return null;
        try
        {
            await tables.DeleteAsync(table, Partition, Key(scope), "*", ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.IsNotFound)
        {
            return null;
        }
        return Parse(existing);
    }

    public async Task<IReadOnlyList<Freeze>> ListAsync(CancellationToken ct)
    {
        await EnsureTableAsync(ct).ConfigureAwait(false);
        var list = new List<Freeze>();
        await foreach (var e in tables.QueryAsync(table, $"PartitionKey eq '{Partition}'", ct).ConfigureAwait(false))
            if (Parse(e) is { } f) list.Add(f);
        return list;
    }

    // Service names are lowercase letters, digits and '-'; lowercasing makes "Checkout-API" and "checkout-api" one scope.
    private static string Key(string scope) => scope.Trim().ToLowerInvariant();

    private static Freeze? Parse(TableEntity e) =>
        e.Properties["Json"]?.GetValue<string>() is { } json ? StateJson.Deserialize<Freeze>(json) : null;

    private Task EnsureTableAsync(CancellationToken ct) => _table.EnsureAsync(ct);
}

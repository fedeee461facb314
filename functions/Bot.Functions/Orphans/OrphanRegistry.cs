using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Adapters.Storage;

namespace Bot.Functions.Orphans;

/// <summary>
/// The orphaned routes the sweep found, in the table <c>orphans</c> (PartitionKey = service, one row per service), so
/// every instance's <c>/api/health</c> lists them and the channel is told once per orphan, not once per scan or instance.
/// </summary>
public sealed class OrphanRegistry(ITableService tables, string table = OrphanRegistry.DefaultTable)
{
    public const string DefaultTable = "orphans";
    private const string Row = "route";
    private volatile bool _created;

    public async Task<OrphanedRoute?> GetAsync(string service, CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        var entity = await tables.GetAsync(table, KeyEncoding.Encode(service), Row, ct).ConfigureAwait(false);
        return entity is null ? null : Read(entity);
    }

    public async Task<IReadOnlyList<OrphanedRoute>> ListAsync(CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        var list = new List<OrphanedRoute>();
        await foreach (var entity in tables.QueryAsync(table, null, ct).ConfigureAwait(false))
            if (Read(entity) is { } o) list.Add(o);
        return [.. list.OrderBy(o => o.Since).ThenBy(o => o.Service, StringComparer.Ordinal)];
    }

    public async Task SaveAsync(OrphanedRoute orphan, CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        var props = new JsonObject { ["Service"] = orphan.Service, ["Json"] = JsonSerializer.Serialize(orphan, JsonSerializerOptions.Web) };
        await tables.UpsertAsync(table, new TableEntity(KeyEncoding.Encode(orphan.Service), Row, props), ct).ConfigureAwait(false);
    }

    public async Task RemoveAsync(string service, CancellationToken ct)
    {
        await EnsureAsync(ct).ConfigureAwait(false);
        try
        {
            await tables.DeleteAsync(table, KeyEncoding.Encode(service), Row, "*", ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.IsNotFound)
        {
            // Not orphaned (any more): nothing to remove.
        }
    }

    private static OrphanedRoute? Read(TableEntity entity)
    {
        try
        {
            return entity.Properties["Json"] is JsonValue v && v.TryGetValue<string>(out var json)
                ? JsonSerializer.Deserialize<OrphanedRoute>(json, JsonSerializerOptions.Web)
                : null;
        }
        catch (JsonException)
        {
            return null; // a row this version cannot read: the next scan rewrites it
        }
    }

    private async Task EnsureAsync(CancellationToken ct)
    {
        if (_created) return;
        await tables.CreateTableIfNotExistsAsync(table, ct).ConfigureAwait(false);
        _created = true;
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using SdkEntity = Azure.Data.Tables.TableEntity;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="ITableService"/> on the Azure.Data.Tables SDK: rows as <see cref="TableEntity"/> (JSON property values,
/// mapped by <see cref="TableEntityValues"/>), conditional writes by ETag, failures as <see cref="StorageException"/>.
/// </summary>
/// <param name="service">From <see cref="StorageClients.CreateTableServiceClient"/>.</param>
public sealed class AzureTableService(TableServiceClient service) : ITableService
{
    /// <summary>Most entities the service returns per page.</summary>
    public const int MaxPageSize = 1000;

    private readonly ConcurrentDictionary<string, TableClient> _tables = new(StringComparer.Ordinal);

    public Task CreateTableIfNotExistsAsync(string table, CancellationToken ct) =>
        StorageCall.RunAsync($"create table {table}", () => Table(table).CreateIfNotExistsAsync(ct), ct);

    public Task DeleteTableAsync(string table, CancellationToken ct) =>
        StorageCall.RunAsync($"delete table {table}", () => service.DeleteTableAsync(table, ct), ct);

    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct)
    {
        try
        {
            var entity = (await StorageCall.RunAsync($"read {table}/{partitionKey}/{rowKey}",
                () => Table(table).GetEntityAsync<SdkEntity>(partitionKey, rowKey, cancellationToken: ct), ct).ConfigureAwait(false)).Value;
            return TableEntityValues.FromSdk(entity);
        }
        catch (StorageException e) when (e.ErrorCode == "ResourceNotFound")
        {
            // The entity is missing. A missing table is TableNotFound and still throws.
            return null;
        }
    }

    public async Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct)
    {
        var row = TableEntityValues.ToSdk(entity);
        var response = await StorageCall.RunAsync($"insert {table}/{entity.PartitionKey}/{entity.RowKey}",
            () => Table(table).AddEntityAsync(row, ct), ct).ConfigureAwait(false);
        return ETag(response);
    }

    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct)
    {
        var row = TableEntityValues.ToSdk(entity);
        var response = await StorageCall.RunAsync($"upsert {table}/{entity.PartitionKey}/{entity.RowKey}",
            () => Table(table).UpsertEntityAsync(row, TableUpdateMode.Replace, ct), ct).ConfigureAwait(false);
        return ETag(response);
    }

    public async Task<string> UpdateAsync(string table, TableEntity entity, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var row = TableEntityValues.ToSdk(entity);
        var response = await StorageCall.RunAsync($"replace {table}/{entity.PartitionKey}/{entity.RowKey}",
            () => Table(table).UpdateEntityAsync(row, new ETag(etag), TableUpdateMode.Replace, ct), ct).ConfigureAwait(false);
        return ETag(response);
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var response = await StorageCall.RunAsync($"delete {table}/{partitionKey}/{rowKey}",
            () => Table(table).DeleteEntityAsync(partitionKey, rowKey, new ETag(etag), ct), ct).ConfigureAwait(false);
        // The SDK answers a missing entity without throwing; callers of this port expect ResourceNotFound.
        if (response.Status == 404)
            throw new StorageException(System.Net.HttpStatusCode.NotFound, "ResourceNotFound", $"delete {table}/{partitionKey}/{rowKey}: the entity does not exist");
    }

    /// <param name="filter">An OData <c>$filter</c> expression (see <see cref="TableFilter"/>); null = all.</param>
    /// <param name="top">At most this many entities in the page (1-1000); null = up to 1000.</param>
    public async Task<TablePage> QueryPageAsync(string table, string? filter, int? top, TableContinuation? continuation, CancellationToken ct)
    {
        if (top is { } t) ArgumentOutOfRangeException.ThrowIfNotEqual(t is >= 1 and <= MaxPageSize, true, nameof(top));
        return await StorageCall.RunAsync($"query {table}", async () =>
        {
            var pages = Table(table).QueryAsync<SdkEntity>(string.IsNullOrEmpty(filter) ? null : filter, top, cancellationToken: ct)
                .AsPages(continuation?.Token, top);
            await foreach (var page in pages.ConfigureAwait(false))
                return new TablePage(page.Values.Select(TableEntityValues.FromSdk).ToList(),
                    page.ContinuationToken is { } next ? new TableContinuation(next) : null);
            return new TablePage([], null);
        }, ct).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<TableEntity> QueryAsync(string table, string? filter, [EnumeratorCancellation] CancellationToken ct)
    {
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryPageAsync(table, filter, null, continuation, ct).ConfigureAwait(false);
            foreach (var entity in page.Entities) yield return entity;
            continuation = page.Continuation;
        } while (continuation is not null);
    }

    private TableClient Table(string name) => _tables.GetOrAdd(name, service.GetTableClient);

    private static string ETag(Response response) =>
        response.Headers.ETag?.ToString() ?? throw new InvalidDataException("table response lacks an ETag");
}

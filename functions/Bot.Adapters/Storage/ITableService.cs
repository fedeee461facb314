using System.Text.Json.Nodes;

namespace Bot.Adapters.Storage;

/// <summary>Azure Table operations: the stores' seam, so they work on JSON rows and <see cref="StorageException"/>
/// rather than SDK types.</summary>
public interface ITableService
{
    Task CreateTableIfNotExistsAsync(string table, CancellationToken ct);
    Task DeleteTableAsync(string table, CancellationToken ct);
    /// <summary>Returns null when the entity does not exist.</summary>
    Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct);
    /// <summary>Throws <see cref="StorageException"/> with code <c>EntityAlreadyExists</c> when it exists. Returns the ETag.</summary>
    Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct);
    /// <summary>Insert-or-replace. Returns the ETag.</summary>
    Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct);
    /// <summary>Replace guarded by <paramref name="etag"/> (<c>*</c> = any). Throws <c>UpdateConditionNotSatisfied</c> (412) when stale. Returns the new ETag.</summary>
    Task<string> UpdateAsync(string table, TableEntity entity, string etag, CancellationToken ct);
    Task DeleteAsync(string table, string partitionKey, string rowKey, string etag, CancellationToken ct);
    Task<TablePage> QueryPageAsync(string table, string? filter, int? top, TableContinuation? continuation, CancellationToken ct);
    /// <summary>All pages of a query.</summary>
    IAsyncEnumerable<TableEntity> QueryAsync(string table, string? filter, CancellationToken ct);
}

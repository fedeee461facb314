using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Polly;

namespace Bot.Adapters.Storage;

/// <summary>
/// Azure Table REST client (protocols.md §3) over a plain <see cref="HttpClient"/>: JSON with minimal metadata,
/// SharedKey (or SharedKeyLite) signing per attempt, retries through <see cref="StorageResilience"/>.
/// </summary>
/// <param name="http">Any HttpClient (no base address needed); share one per process.</param>
/// <param name="account">From <see cref="StorageConnectionString.Parse"/>.</param>
/// <param name="pipeline">Defaults to <see cref="StorageResilience.CreatePipeline"/> with default options.</param>
/// <param name="time">Clock for <c>x-ms-date</c>. Defaults to <see cref="TimeProvider.System"/>.</param>
/// <param name="scheme">The default value is <see cref="TableAuthScheme.SharedKey"/>.</param>
public sealed class AzureTableService(
    HttpClient http, StorageConnectionString account, ResiliencePipeline<HttpResponseMessage>? pipeline = null, TimeProvider? time = null,
    TableAuthScheme scheme = TableAuthScheme.SharedKey) : ITableService
{
    /// <summary>Most entities the service returns per page.</summary>
    public const int MaxPageSize = 1000;

    private const string JsonMediaType = "application/json";

    private readonly StorageSender _sender = new(http, account, (request, acct, now) => SharedKeySigner.SignTableRequest(request, acct, now, scheme),
        pipeline ?? StorageResilience.CreatePipeline(time: time), time ?? TimeProvider.System);

    public async Task CreateTableIfNotExistsAsync(string table, CancellationToken ct)
    {
        var body = new JsonObject { ["TableName"] = table }.ToJsonString();
        try
        {
            using var _ = await _sender.SendAsync(() => Request(HttpMethod.Post, Resource("Tables"), body, returnNoContent: true), ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.ErrorCode == "TableAlreadyExists")
        {
        }
    }

    public async Task DeleteTableAsync(string table, CancellationToken ct)
    {
        using var _ = await _sender.SendAsync(() => Request(HttpMethod.Delete, Resource($"Tables('{Quote(table)}')")), ct).ConfigureAwait(false);
    }

    public async Task<TableEntity?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken ct)
    {
        try
        {
            using var response = await _sender.SendAsync(() => Request(HttpMethod.Get, EntityUri(table, partitionKey, rowKey)), ct)
                .ConfigureAwait(false);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))?.AsObject()
                       ?? throw new InvalidDataException("empty entity body");
            return TableEntityJson.Parse(json, ETag(response));
        }
        catch (StorageException e) when (e.ErrorCode == "ResourceNotFound")
        {
            // The entity is missing. A missing table is TableNotFound and still throws.
            return null;
        }
    }

    public async Task<string> InsertAsync(string table, TableEntity entity, CancellationToken ct)
    {
        var body = TableEntityJson.Serialize(entity);
        using var response = await _sender.SendAsync(() => Request(HttpMethod.Post, Resource(Quote(table, escape: true)), body, returnNoContent: true), ct)
            .ConfigureAwait(false);
        return ETag(response);
    }

    public async Task<string> UpsertAsync(string table, TableEntity entity, CancellationToken ct)
    {
        var body = TableEntityJson.Serialize(entity);
        using var response = await _sender.SendAsync(() => Request(HttpMethod.Put, EntityUri(table, entity.PartitionKey, entity.RowKey), body), ct)
            .ConfigureAwait(false);
        return ETag(response);
    }

    public async Task<string> UpdateAsync(string table, TableEntity entity, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var body = TableEntityJson.Serialize(entity);
        using var response = await _sender.SendAsync(
            () => Request(HttpMethod.Put, EntityUri(table, entity.PartitionKey, entity.RowKey), body, ifMatch: etag), ct).ConfigureAwait(false);
        return ETag(response);
    }

    public async Task DeleteAsync(string table, string partitionKey, string rowKey, string etag, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        using var _ = await _sender.SendAsync(() => Request(HttpMethod.Delete, EntityUri(table, partitionKey, rowKey), ifMatch: etag), ct)
            .ConfigureAwait(false);
    }

    /// <param name="filter">An OData <c>$filter</c> expression, unescaped (see <see cref="TableFilter"/>); null = all.</param>
    /// <param name="top">At most this many entities in the page (1-1000); null = up to 1000.</param>
    public async Task<TablePage> QueryPageAsync(string table, string? filter, int? top, TableContinuation? continuation, CancellationToken ct)
    {
        if (top is { } t) ArgumentOutOfRangeException.ThrowIfNotEqual(t is >= 1 and <= MaxPageSize, true, nameof(top));
        var query = new List<string>();
        if (!string.IsNullOrEmpty(filter)) query.Add("$filter=" + System.Uri.EscapeDataString(filter));
        if (top is not null) query.Add($"$top={top}");
        if (continuation is not null)
        {
            query.Add("NextPartitionKey=" + System.Uri.EscapeDataString(continuation.NextPartitionKey));
            if (continuation.NextRowKey is not null) query.Add("NextRowKey=" + System.Uri.EscapeDataString(continuation.NextRowKey));
        }
        var uri = Resource(Quote(table, escape: true) + "()" + (query.Count > 0 ? "?" + string.Join("&", query) : ""));

        using var response = await _sender.SendAsync(() => Request(HttpMethod.Get, uri), ct).ConfigureAwait(false);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))?.AsObject();
        var entities = (json?["value"]?.AsArray() ?? [])
            .Select(e => TableEntityJson.Parse(e!.AsObject(), etag: null))
            .ToList();
        var nextPk = Header(response, "x-ms-continuation-NextPartitionKey");
        return new TablePage(entities, nextPk is null ? null : new TableContinuation(nextPk, Header(response, "x-ms-continuation-NextRowKey")));
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

    private Uri Resource(string relative) => new($"{account.TableEndpoint}/{relative}");

    private Uri EntityUri(string table, string partitionKey, string rowKey) =>
        Resource($"{Quote(table, escape: true)}(PartitionKey='{Quote(partitionKey, escape: true)}',RowKey='{Quote(rowKey, escape: true)}')");

    /// <summary>OData string literal body: <c>'</c> doubled, then (for URL segments) percent-encoded.</summary>
    private static string Quote(string value, bool escape = false)
    {
        var doubled = value.Replace("'", "''", StringComparison.Ordinal);
        return escape ? System.Uri.EscapeDataString(doubled) : doubled;
    }

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, string? body = null, string? ifMatch = null, bool returnNoContent = false)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(JsonMediaType) { Parameters = { new NameValueHeaderValue("odata", "minimalmetadata") } });
        request.Headers.TryAddWithoutValidation("DataServiceVersion", "3.0");
        request.Headers.TryAddWithoutValidation("MaxDataServiceVersion", "3.0;NetFx");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (returnNoContent) request.Headers.TryAddWithoutValidation("Prefer", "return-no-content");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        }
        return request;
    }

    private static string ETag(HttpResponseMessage response) =>
        Header(response, "ETag") ?? throw new InvalidDataException("table response lacks an ETag");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}

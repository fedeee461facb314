using System.Text.Json.Nodes;

namespace Bot.Adapters.Storage;

/// <summary>
/// A table entity. <see cref="Properties"/> holds the other properties as JSON values: strings, booleans, numbers
/// (Int32, Int64 for a <c>long</c>, Double), <c>DateTimeOffset</c> (DateTime) and <c>Guid</c>. Numbers read back can be
/// taken as any numeric type that holds them.
/// </summary>
public sealed record TableEntity(string PartitionKey, string RowKey, JsonObject Properties)
{
    public string? ETag { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
}

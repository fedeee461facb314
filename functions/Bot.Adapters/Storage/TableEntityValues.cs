using System.Text.Json;
using System.Text.Json.Nodes;
using SdkEntity = Azure.Data.Tables.TableEntity;

namespace Bot.Adapters.Storage;

/// <summary>Maps the bot's <see cref="TableEntity"/> (JSON property values) to and from the SDK's entity dictionary, whose
/// CLR types pick the EDM types on the wire (<c>long</c> = Int64, <c>DateTimeOffset</c> = DateTime, <c>Guid</c>, ...).</summary>
internal static class TableEntityValues
{
    public static SdkEntity ToSdk(TableEntity entity)
    {
        var row = new SdkEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, node) in entity.Properties)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.Contains('@') || name.StartsWith("odata.", StringComparison.Ordinal))
                throw new ArgumentException($"property '{name}' is reserved; use the record's own members for keys", nameof(entity));
            if (node is null) continue; // Tables have no null values: an absent property reads back the same.
            if (node is not JsonValue value)
                throw new ArgumentException($"property '{name}' is a JSON {node.GetValueKind()}; tables store only scalar values", nameof(entity));
            row[name] = ToClr(value, name);
        }
        return row;
    }

    public static TableEntity FromSdk(SdkEntity row)
    {
        var properties = new JsonObject();
        foreach (var (name, value) in row)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal) || value is null)
                continue;
            properties[name] = ToJson(value);
        }
        return new TableEntity(row.PartitionKey, row.RowKey, properties)
        {
            ETag = row.ETag == default ? null : row.ETag.ToString(),
            Timestamp = row.Timestamp,
        };
    }

    private static object ToClr(JsonValue value, string name)
    {
        // Values parsed from JSON text carry a JsonElement: type them by their JSON kind.
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.Number when element.TryGetInt32(out var i) => i,
                JsonValueKind.Number when element.TryGetInt64(out var l) => l,
                JsonValueKind.Number => element.GetDouble(),
                JsonValueKind.String => element.GetString()!,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ArgumentException($"property '{name}' is a JSON {element.ValueKind}; tables store only scalar values", nameof(value)),
            };
        }
        // Values built in code keep their CLR type; a DateTime without a kind is taken as UTC.
        if (value.TryGetValue<DateTime>(out var dt))
            return new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind));
        return value.GetValue<object>();
    }

    /// <summary>Numbers come back backed by a JsonElement, so a reader may take an Int32 as <c>long</c> or <c>double</c>
    /// (the service stores an integral double written without annotation as Int32).</summary>
    private static JsonNode ToJson(object value) => value switch
    {
        int i => JsonValue.Create(JsonSerializer.SerializeToElement(i))!,
        long l => JsonValue.Create(JsonSerializer.SerializeToElement(l))!,
        double d => JsonValue.Create(JsonSerializer.SerializeToElement(d))!,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        DateTimeOffset d => JsonValue.Create(d),
        DateTime d => JsonValue.Create(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))),
        Guid g => JsonValue.Create(g),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        BinaryData data => JsonValue.Create(Convert.ToBase64String(data.ToArray())),
        _ => JsonValue.Create(value.ToString() ?? ""),
    };
}

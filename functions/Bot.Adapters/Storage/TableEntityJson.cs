using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Adapters.Storage;

/// <summary>Maps <see cref="TableEntity"/> to and from the Table service's JSON, with <c>@odata.type</c> annotations
/// for the types JSON cannot carry (Int64, DateTime, Guid, integral Double).</summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    public static string Serialize(TableEntity entity)
    {
        var body = new JsonObject
        {
            ["PartitionKey"] = entity.PartitionKey,
            ["RowKey"] = entity.RowKey,
        };
        foreach (var (name, node) in entity.Properties)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.Contains('@') || name.StartsWith("odata.", StringComparison.Ordinal))
                throw new ArgumentException($"property '{name}' is reserved; use the record's own members for keys", nameof(entity));
            if (node is null) continue; // Tables have no null values: an absent property reads back the same.
            if (node is not JsonValue value)
                throw new ArgumentException($"property '{name}' is a JSON {node.GetValueKind()}; tables store only scalar values", nameof(entity));
            var (wire, edm) = ToWire(value);
            body[name] = wire;
            if (edm is not null) body[name + TypeSuffix] = edm;
        }
        return body.ToJsonString();
    }

    public static TableEntity Parse(JsonObject json, string? etag)
    {
        var properties = new JsonObject();
        DateTimeOffset? timestamp = null;
        foreach (var (name, node) in json)
        {
            if (name.EndsWith(TypeSuffix, StringComparison.Ordinal) || name.StartsWith("odata.", StringComparison.Ordinal)
                || name is "PartitionKey" or "RowKey")
                continue;
            var edm = json[name + TypeSuffix]?.GetValue<string>();
            if (name == "Timestamp")
            {
                timestamp = DateTimeOffset.Parse(node!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
                continue;
            }
            properties[name] = FromWire(node, edm);
        }
        return new TableEntity(
            json["PartitionKey"]?.GetValue<string>() ?? throw new InvalidDataException("entity lacks PartitionKey"),
            json["RowKey"]?.GetValue<string>() ?? throw new InvalidDataException("entity lacks RowKey"),
            properties)
        {
            ETag = etag ?? json["odata.etag"]?.GetValue<string>(),
            Timestamp = timestamp,
        };
    }

    private static (JsonNode Wire, string? Edm) ToWire(JsonValue value)
    {
        // Values parsed from JSON text carry a JsonElement: type them by their JSON kind.
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.Number when element.TryGetInt32(out _) => (value.DeepClone(), null),
                JsonValueKind.Number when element.TryGetInt64(out var l) => (l.ToString(CultureInfo.InvariantCulture), "Edm.Int64"),
                JsonValueKind.Number => (value.DeepClone(), "Edm.Double"),
                _ => (value.DeepClone(), null),
            };
        }
        // Values built in code keep their CLR type.
        if (value.TryGetValue<long>(out var int64)) return (int64.ToString(CultureInfo.InvariantCulture), "Edm.Int64");
        if (value.TryGetValue<DateTimeOffset>(out var dto)) return (FormatDate(dto), "Edm.DateTime");
        if (value.TryGetValue<DateTime>(out var dt)) return (FormatDate(new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind))), "Edm.DateTime");
        if (value.TryGetValue<Guid>(out var guid)) return (guid.ToString("D"), "Edm.Guid");
        if (value.TryGetValue<double>(out var d))
            return double.IsFinite(d) ? (JsonValue.Create(d), "Edm.Double") : (d.ToString(CultureInfo.InvariantCulture), "Edm.Double");
        return (value.DeepClone(), null);
    }

    private static JsonNode? FromWire(JsonNode? node, string? edm)
    {
        if (node is null) return null;
        return edm switch
        {
            "Edm.Int64" => JsonValue.Create(long.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)),
            "Edm.DateTime" => JsonValue.Create(DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)),
            "Edm.Guid" => JsonValue.Create(Guid.Parse(node.GetValue<string>())),
            "Edm.Double" when node.GetValueKind() == JsonValueKind.String =>
                JsonValue.Create(double.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture)),
            "Edm.Double" => JsonValue.Create(node.GetValue<double>()),
            _ => node.DeepClone(),
        };
    }

    private static string FormatDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

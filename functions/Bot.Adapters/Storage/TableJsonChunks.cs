using System.Text.Json.Nodes;

namespace Bot.Adapters.Storage;

/// <summary>Stores a JSON document in string properties of one entity: <c>Json</c> when it fits one property
/// (64 KiB), else <c>Json0..JsonN</c> plus <c>JsonChunks</c>. Beyond one entity's capacity it fails with a clear error.</summary>
internal static class TableJsonChunks
{
    /// <summary>UTF-16 characters per property: 30,000 chars = 60,000 bytes, under the 64 KiB property limit.</summary>
    public const int ChunkChars = 30_000;

    /// <summary>Keeps the entity under the 1 MiB limit with room for the other properties.</summary>
    public const int MaxChunks = 15;

    public static void Write(JsonObject properties, string json, string what)
    {
        if (json.Length <= ChunkChars)
        {
            properties["Json"] = json;
            return;
        }
        var chunks = (json.Length + ChunkChars - 1) / ChunkChars;
        if (chunks > MaxChunks)
            throw new InvalidOperationException(
                $"{what} is {json.Length:N0} characters of JSON; one table entity holds at most {ChunkChars * MaxChunks:N0}. " +
                "Finished rollouts belong in the archive, not in the live state.");
        for (var i = 0; i < chunks; i++)
            properties["Json" + i] = json.Substring(i * ChunkChars, Math.Min(ChunkChars, json.Length - i * ChunkChars));
        properties["JsonChunks"] = chunks;
    }

    public static string Read(TableEntity entity)
    {
        var p = entity.Properties;
        if (p["Json"] is { } single) return single.GetValue<string>();
        if (p["JsonChunks"] is not { } count)
            throw new InvalidDataException($"entity {entity.PartitionKey}/{entity.RowKey} has no Json property");
        return string.Concat(Enumerable.Range(0, count.GetValue<int>())
            .Select(i => p["Json" + i]?.GetValue<string>() ?? throw new InvalidDataException($"entity {entity.PartitionKey}/{entity.RowKey} lacks Json{i}")));
    }
}

using System.Globalization;

namespace Bot.Adapters.Storage;

/// <summary>Builds OData <c>$filter</c> literals safely (quotes doubled, types tagged).</summary>
public static class TableFilter
{
    /// <summary><c>'value'</c> with embedded quotes doubled.</summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary><c>datetime'2026-01-01T00:00:00.0000000Z'</c>.</summary>
    public static string Literal(DateTimeOffset value) =>
        "datetime'" + value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "'";

    /// <summary><c>42L</c>.</summary>
    public static string Literal(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    /// <summary><c>PartitionKey eq '…'</c>.</summary>
    public static string PartitionKeyEquals(string partitionKey) => "PartitionKey eq " + Literal(partitionKey);

    /// <summary>Row keys in [<paramref name="fromInclusive"/>, <paramref name="toExclusive"/>) within one partition.</summary>
    public static string RowKeyRange(string partitionKey, string fromInclusive, string toExclusive) =>
        $"{PartitionKeyEquals(partitionKey)} and RowKey ge {Literal(fromInclusive)} and RowKey lt {Literal(toExclusive)}";
}

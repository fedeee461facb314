using System.Text;

namespace Bot.Adapters.Storage;

/// <summary>Makes any string a valid PartitionKey/RowKey: <c>/ \ # ?</c>, control characters and the escape
/// character <c>%</c> itself become <c>%XX</c>; other strings stay as they are, so keys remain readable.</summary>
public static class KeyEncoding
{
    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Any(NeedsEscape)) return value;
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (NeedsEscape(c)) sb.Append('%').Append(((int)c).ToString("X2")); // controls are all <= U+009F
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c);
}

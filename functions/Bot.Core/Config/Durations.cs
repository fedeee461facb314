using System.Globalization;
using System.Text.RegularExpressions;

namespace Bot.Core.Config;

/// <summary>Durations as users write them: <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, <c>1h30m</c>.</summary>
public static partial class Durations
{
    [GeneratedRegex(@"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var m = Pattern().Match(text.Trim().ToLowerInvariant());
        if (!m.Success || m.Length == 0) return false;
        long Part(int i) => m.Groups[i].Success ? long.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            value = TimeSpan.FromDays(Part(1)) + TimeSpan.FromHours(Part(2)) + TimeSpan.FromMinutes(Part(3)) + TimeSpan.FromSeconds(Part(4));
        }
        catch (OverflowException) { return false; }
        return value > TimeSpan.Zero;
    }

    public static string Format(TimeSpan t)
    {
        if (t <= TimeSpan.Zero) return "0s";
        var parts = new List<string>();
        if (t.Days > 0) parts.Add($"{t.Days}d");
        if (t.Hours > 0) parts.Add($"{t.Hours}h");
        if (t.Minutes > 0) parts.Add($"{t.Minutes}m");
        if (t.Seconds > 0) parts.Add($"{t.Seconds}s");
        return parts.Count == 0 ? "0s" : string.Concat(parts);
    }

    /// <summary>A measured latency as people read it: "40 ms" under 0.1 s, "0.4 s" under 10 s, "12 s" under a minute, else
    /// <see cref="Format"/>.</summary>
    public static string Latency(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t < TimeSpan.FromMilliseconds(100)) return ((int)t.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms";
        if (t < TimeSpan.FromSeconds(10)) return t.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " s";
        if (t < TimeSpan.FromMinutes(1)) return ((int)t.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " s";
        return Format(t);
    }
}

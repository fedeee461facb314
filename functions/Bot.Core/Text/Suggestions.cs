namespace Bot.Core.Text;

/// <summary>"Did you mean" for verbs, services and config keys: optimal-string-alignment (Damerau-Levenshtein) distance.</summary>
public static class Suggestions
{
    /// <summary>The closest candidate within a typo's reach (1 edit for short words, 2 from 5 letters, 3 from 9), else null.
    /// Case-insensitive; a unique candidate that starts with <paramref name="input"/> also counts.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        if (string.IsNullOrEmpty(input)) return null;
        var lower = input.ToLowerInvariant();
        string? best = null;
        var bestDistance = int.MaxValue;
        var prefixed = new List<string>();
        foreach (var c in candidates)
        {
            var d = Distance(lower, c.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (c, d);
            if (lower.Length >= 2 && c.StartsWith(input, StringComparison.OrdinalIgnoreCase)) prefixed.Add(c);
        }
        var reach = lower.Length >= 9 ? 3 : lower.Length >= 5 ? 2 : 1;
        if (best is not null && bestDistance <= reach) return best;
        return prefixed.Count == 1 ? prefixed[0] : null;
    }

    /// <summary>Edits (insert, delete, substitute, swap adjacent) to turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }

    /// <summary>" (did you mean 'x'?)" or "".</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates) =>
        Closest(input, candidates) is { } s ? $"; did you mean '{s}'?" : "";
}

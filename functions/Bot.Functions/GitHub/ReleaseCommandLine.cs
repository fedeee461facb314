namespace Bot.Functions.GitHub;

/// <summary>One <c>/release &lt;verb&gt; [service] [reason…]</c> line of a PR comment.</summary>
public sealed record ReleaseCommandLine(string Verb, string? Service, string? Reason, string Text)
{
    public static readonly IReadOnlySet<string> Verbs = new HashSet<string>(StringComparer.Ordinal) { "approve", "rollback", "pause", "resume", "promote", "abort" };

    /// <summary>Every line starting with <c>/release</c>; other text is ignored. <paramref name="isService"/> tells a
    /// service name from the first word of a reason.</summary>
    public static IReadOnlyList<ReleaseCommandLine> ParseAll(string body, Func<string, bool> isService)
    {
        var list = new List<ReleaseCommandLine>();
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith("/release", StringComparison.Ordinal)) continue;
            if (line.Length > 8 && !char.IsWhiteSpace(line[8])) continue; // "/releases" is not a command
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var verb = words.Length > 1 ? words[1].ToLowerInvariant() : "";
            string? service = null;
            var rest = 2;
            if (words.Length > 2 && isService(words[2])) { service = words[2]; rest = 3; }
            var reason = words.Length > rest ? string.Join(' ', words[rest..]) : null;
            list.Add(new ReleaseCommandLine(verb, service, reason, line));
        }
        return list;
    }
}

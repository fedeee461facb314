using System.Text.RegularExpressions;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.TestKit;

namespace Bot.Functions.Tests.Docs;

/// <summary>README.md's "Who may do what" table, read as rules: for each action, the alternatives (", else ") of lists
/// (<c>deployers</c>, <c>approvers</c>, the approval step's <c>approvers</c>) whose union may act; the first non-empty
/// alternative wins, and an empty answer means anyone. Notes after ';' are the engine's rules.</summary>
internal static partial class WhoMayTable
{
    [GeneratedRegex(@"^\|\s*(?<actions>`[^|]+)\|\s*(?<who>[^|]+)\|\s*$", RegexOptions.Multiline)]
    private static partial Regex Row();

    [GeneratedRegex("`([a-z]+)`")]
    private static partial Regex Quoted();

    /// <summary>The rows: action (as <see cref="ReleaseAction"/>) → what the second column says.</summary>
    public static IReadOnlyDictionary<ReleaseAction, string> Read()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var start = readme.IndexOf("<!-- who-may -->", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '<!-- who-may -->' table");
        var end = readme.IndexOf("\n\n- ", start, StringComparison.Ordinal);
        var rows = new Dictionary<ReleaseAction, string>();
        foreach (Match m in Row().Matches(readme[start..end]))
            foreach (Match a in Quoted().Matches(m.Groups["actions"].Value))
                rows[Enum.Parse<ReleaseAction>(a.Groups[1].Value, ignoreCase: true)] = m.Groups["who"].Value.Trim();
        return rows;
    }

    /// <summary>Who may do <paramref name="action"/> by the table, for <paramref name="config"/> with the current approval
    /// step's <paramref name="stepApprovers"/>; empty: anyone.</summary>
    public static IReadOnlyList<string> WhoMay(IReadOnlyDictionary<ReleaseAction, string> table, ReleaseAction action, ReleaseConfig config,
        IReadOnlyList<string> stepApprovers)
    {
        var rule = table[action].Split(';')[0];
        if (rule.Trim() == "anyone") return [];
        foreach (var alternative in rule.Split(", else "))
        {
            var lists = new List<string>();
            var rest = alternative;
            if (rest.Contains("the approval step's `approvers`", StringComparison.Ordinal))
            {
                lists.AddRange(stepApprovers);
                rest = rest.Replace("the approval step's `approvers`", "", StringComparison.Ordinal);
            }
            if (rest.Contains("`approvers`", StringComparison.Ordinal)) lists.AddRange(config.Approvers);
            if (rest.Contains("`deployers`", StringComparison.Ordinal)) lists.AddRange(config.Deployers);
            if (lists.Count > 0) return lists.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }
        return [];
    }

    /// <summary>True when the table's notes forbid the requester to do <paramref name="action"/> on their own rollout.</summary>
    public static bool ForbidsRequester(IReadOnlyDictionary<ReleaseAction, string> table, ReleaseAction action) =>
        table[action].Contains("not the rollout's requester", StringComparison.Ordinal);
}

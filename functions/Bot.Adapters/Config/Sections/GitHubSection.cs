using System.Text.RegularExpressions;
using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary>
/// <c>github: {repo: owner/name, protection: {environments: [production], approveAfter: promote, deadline: 24h}}</c>.
/// <c>protection</c> makes the bot answer GitHub's custom deployment protection rule for those environments
/// (<see cref="ProtectionSpec"/>): <c>environments</c> is required; <c>approveAfter</c> is <c>promote</c> (the default), a
/// step number (1-based) or a step as chat shows it (<c>setWeight 50</c>); <c>deadline</c> is at most 29 days, as GitHub
/// fails a job that waits longer than 30. Add keys here (and to <see cref="Keys"/>) as GitHub features need them.
/// </summary>
public sealed partial class GitHubSection : IConfigSection
{
    private static readonly string[] Keys = ["repo", "protection"];
    private static readonly string[] ProtectionKeys = ["environments", "approveAfter", "deadline"];
    private const string Promote = "promote";

    [GeneratedRegex(@"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")]
    private static partial Regex Repo();

    public string Key => "github";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        string? repo = null;
        if (m.TryGetValue("repo", out var n))
        {
            const string fix = "write the repository as owner/name, e.g. acme/checkout";
            if (r.String(n, "github.repo", fix) is not { } text) return null;
            if (!Repo().IsMatch(text))
            {
                r.Error(n, "github.repo", $"'{text}' is not owner/name", fix);
                return null;
            }
            repo = text;
        }
        ProtectionSpec? protection = null;
        string? approveAfter = null;
        if (m.TryGetValue("protection", out var pn) && (protection = ReadProtection(pn, r, out approveAfter)) is null) return null;
        return cfg => cfg with
        {
            GitHubRepo = repo ?? cfg.GitHubRepo,
            Protection = protection is null ? null : protection with { ApproveAfterStep = Resolve(cfg.Steps, approveAfter).Index },
        };
    }

    private static ProtectionSpec? ReadProtection(YamlNode node, ConfigReader r, out string? approveAfter)
    {
        approveAfter = null;
        const string path = "github.protection";
        if (r.Mapping(node, path, ProtectionKeys) is not { } m) return null;
        var before = r.Errors.Count;
        const string envFix = "list the environments whose rule the bot answers, e.g. environments: [production]";
        IReadOnlyList<string> environments = [];
        if (!m.TryGetValue("environments", out var en))
            r.Error(node, $"{path}.environments", "is required", envFix);
        else if (r.StringList(en, $"{path}.environments", envFix) is { } list)
        {
            if (list.Count == 0) r.Error(en, $"{path}.environments", "is empty", envFix);
            environments = list;
        }
        if (m.TryGetValue("approveAfter", out var an))
            approveAfter = r.String(an, $"{path}.approveAfter", "write promote, a step number (1 is the first step) or a step as chat shows it, e.g. setWeight 50");
        var deadline = ProtectionSpec.DefaultDeadline;
        if (m.TryGetValue("deadline", out var dn) && r.Duration(dn, $"{path}.deadline") is { } d)
        {
            if (d > ProtectionSpec.MaxDeadline)
                r.Error(dn, $"{path}.deadline", $"{Durations.Format(d)} is longer than {Durations.Format(ProtectionSpec.MaxDeadline)}: GitHub fails a job that waits more than 30 days",
                    $"use at most {Durations.Format(ProtectionSpec.MaxDeadline)}, e.g. deadline: 7d");
            deadline = d;
        }
        return r.Errors.Count > before ? null : new ProtectionSpec { Environments = environments, Deadline = deadline };
    }

    /// <summary><c>approveAfter</c> needs the plan: the step it names must exist.</summary>
    public void Validate(ReleaseConfig config, ConfigDocument document, ConfigReader reader)
    {
        if (config.Protection is null || !document.Sections.TryGetValue(Key, out var section)) return;
        if (section is not YamlMappingNode github || !github.Children.TryGetValue(new YamlScalarNode("protection"), out var p)
            || p is not YamlMappingNode protection || !protection.Children.TryGetValue(new YamlScalarNode("approveAfter"), out var node)
            || node is not YamlScalarNode { Value: { } text }) return;
        if (Resolve(config.Steps, text.Trim()).Error is { } error)
            reader.Error(node, "github.protection.approveAfter", error.Message, error.Fix);
    }

    /// <summary>The step index <paramref name="text"/> names (null: promote), or why it names none.</summary>
    private static (int? Index, (string Message, string Fix)? Error) Resolve(IReadOnlyList<StepSpec> steps, string? text)
    {
        if (text is null || string.Equals(text, Promote, StringComparison.OrdinalIgnoreCase)) return (null, null);
        var plan = string.Join(", ", steps.Select((s, i) => $"{i + 1}: {s.Describe()}"));
        if (int.TryParse(text, out var number))
            return number >= 1 && number <= steps.Count
                ? (number - 1, null)
                : (null, ($"step {number} is not in the plan ({steps.Count} steps)", $"use promote or a step number 1-{steps.Count} ({plan})"));
        var matches = steps.Select((s, i) => (s, i)).Where(x => string.Equals(x.s.Describe(), text, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => (matches[0].i, null),
            0 => (null, ($"no step is '{text}'", $"use promote, a step number or a step as written here: {plan}")),
            _ => (null, ($"'{text}' is steps {string.Join(" and ", matches.Select(x => x.i + 1))}", "use the step number instead")),
        };
    }
}

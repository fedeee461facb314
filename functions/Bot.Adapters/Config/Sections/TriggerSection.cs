using System.Text.RegularExpressions;
using Bot.Core.Config;
using Bot.Core.Text;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary>
/// <c>trigger: {kind: push|workflow_run, branch: main, workflow: build.yml, versionTemplate: "{sha7}"}</c>: what starts a
/// rollout from GitHub. <c>kind</c> is required; <c>workflow</c> is required for <c>workflow_run</c> and refused for
/// <c>push</c>; the template may only use <c>{sha}</c>, <c>{sha7}</c>, <c>{branch}</c> and <c>{run}</c>.
/// </summary>
public sealed partial class TriggerSection : IConfigSection
{
    private static readonly string[] Keys = ["kind", "branch", "workflow", "versionTemplate"];
    private static readonly string[] Kinds = ["push", "workflow_run"];
    private static readonly string[] Placeholders = ["sha", "sha7", "branch", "run"];

    [GeneratedRegex(@"\{([^{}]*)\}")]
    private static partial Regex Placeholder();

    // A git ref name: no spaces, no '..', none of ~^:?*[\ (git check-ref-format, simplified).
    [GeneratedRegex(@"^(?!.*\.\.)(?!/)(?!.*/$)[^\s~^:?*\[\\]+$")]
    private static partial Regex Branch();

    public string Key => "trigger";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        var before = r.Errors.Count;

        var kind = TriggerKind.None;
        if (!m.TryGetValue("kind", out var kn))
            r.Error(node, "trigger.kind", "is required", "add kind: push or kind: workflow_run");
        else if (r.String(kn, "trigger.kind", "write kind: push or kind: workflow_run") is { } k)
        {
            kind = k switch { "push" => TriggerKind.Push, "workflow_run" => TriggerKind.WorkflowRun, _ => TriggerKind.None };
            if (kind == TriggerKind.None)
            {
                var hint = Suggestions.Closest(k, Kinds) is { } s ? $"did you mean '{s}'? " : "";
                r.Error(kn, "trigger.kind", $"'{k}' is not one of push, workflow_run", $"{hint}use push or workflow_run".TrimStart());
            }
        }

        var branch = "main";
        if (m.TryGetValue("branch", out var bn) && r.String(bn, "trigger.branch", "name the branch, e.g. main") is { } b)
        {
            if (b.StartsWith("refs/", StringComparison.Ordinal))
                r.Error(bn, "trigger.branch", $"'{b}' is a ref, not a branch name", $"write the branch name only, e.g. {b.Split('/').Last()}");
            else if (!Branch().IsMatch(b))
                r.Error(bn, "trigger.branch", $"'{b}' is not a valid branch name", "use a git branch name without spaces, '..' or any of ~^:?*[\\");
            else branch = b;
        }

        string? workflow = null;
        if (m.TryGetValue("workflow", out var wn))
        {
            workflow = r.String(wn, "trigger.workflow", "name the workflow: its name, file name (build.yml) or path (.github/workflows/build.yml)");
            if (workflow is not null && kind == TriggerKind.Push)
                r.Error(wn, "trigger.workflow", "is only used with kind: workflow_run", "remove workflow:, or set kind: workflow_run");
        }
        else if (kind == TriggerKind.WorkflowRun)
            r.Error(node, "trigger.workflow", "is required for kind: workflow_run", "add workflow: <name, file name (build.yml) or path of the workflow>");

        string? template = null;
        if (m.TryGetValue("versionTemplate", out var tn) && r.String(tn, "trigger.versionTemplate", "write a template such as \"{sha7}\" or \"main-{run}\"") is { } t)
        {
            foreach (Match p in Placeholder().Matches(t))
            {
                var name = p.Groups[1].Value;
                if (Placeholders.Contains(name, StringComparer.Ordinal)) continue;
                var hint = Suggestions.Closest(name, Placeholders) is { } s ? $"did you mean '{{{s}}}'? " : "";
                r.Error(tn, "trigger.versionTemplate", $"unknown placeholder '{{{name}}}'", $"{hint}use {{sha}}, {{sha7}}, {{branch}} or {{run}}".TrimStart());
            }
            if (t.Any(char.IsWhiteSpace))
                r.Error(tn, "trigger.versionTemplate", $"'{t}' has spaces, which a version or image tag cannot", "remove the spaces, e.g. main-{sha7}");
            else if (!t.Contains('{'))
                r.Error(tn, "trigger.versionTemplate", $"'{t}' has no placeholder, so every commit would get the same version", "include {sha}, {sha7} or {run}");
            template = t;
        }

        if (r.Errors.Count > before) return null;
        var spec = new TriggerSpec { Kind = kind, Branch = branch, Workflow = workflow, VersionTemplate = template };
        return cfg => cfg with { Trigger = spec };
    }
}

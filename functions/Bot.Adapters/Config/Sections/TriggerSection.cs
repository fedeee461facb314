using System.Text.RegularExpressions;
using Bot.Core.Config;
using Bot.Core.Text;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary>
/// <c>trigger: {kind: push|workflow_run|deployment_protection_rule, branch: main, workflow: build.yml, versionTemplate: "{sha7}"}</c>: what starts a
/// rollout from GitHub. <c>kind</c> is required; <c>workflow</c> is required for <c>workflow_run</c> and refused for
/// <c>push</c>; the template may only use <c>{sha}</c>, <c>{sha7}</c>, <c>{branch}</c> and <c>{run}</c>.
/// </summary>
public sealed partial class TriggerSection : IConfigSection
{
    private static readonly string[] Keys = ["kind", "branch", "workflow", "versionTemplate"];
    private static readonly string[] Kinds = ["push", "workflow_run", "deployment_protection_rule"];
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
            r.Error(node, "trigger.kind", "is required", "add kind: push, kind: workflow_run or kind: deployment_protection_rule");
        else if (r.String(kn, "trigger.kind", "write kind: push, kind: workflow_run or kind: deployment_protection_rule") is { } k)
        {
            kind = k switch
            {
                "push" => TriggerKind.Push, "workflow_run" => TriggerKind.WorkflowRun,
                "deployment_protection_rule" => TriggerKind.DeploymentProtectionRule, _ => TriggerKind.None,
            };
            if (kind == TriggerKind.None)
            {
                var hint = Suggestions.Closest(k, Kinds) is { } s ? $"did you mean '{s}'? " : "";
                r.Error(kn, "trigger.kind", $"'{k}' is not one of push, workflow_run, deployment_protection_rule", $"{hint}use push, workflow_run or deployment_protection_rule".TrimStart());
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
            if (workflow is not null && kind is TriggerKind.Push or TriggerKind.DeploymentProtectionRule)
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

    /// <summary><c>kind: deployment_protection_rule</c> needs the rule itself: <c>github.protection</c>.</summary>
    public void Validate(ReleaseConfig config, ConfigDocument document, ConfigReader reader)
    {
        if (config.Trigger?.Kind != TriggerKind.DeploymentProtectionRule || config.Protection is not null) return;
        var node = document.Sections.TryGetValue(Key, out var n) && n is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("kind"), out var k) ? k : document.Root;
        reader.Error(node, "trigger.kind", "deployment_protection_rule needs github.protection (the environments whose rule the bot answers)",
            "add github: {protection: {environments: [production]}}, or use kind: push or workflow_run");
    }
}

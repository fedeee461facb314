namespace Bot.Core.Config;

public enum TriggerKind
{
    None, Push, WorkflowRun,
    /// <summary>A job waiting on the bot's deployment protection rule (<c>github.protection</c>) starts the rollout of its
    /// commit, when none exists yet, for a workflow run on <see cref="TriggerSpec.Branch"/>.</summary>
    DeploymentProtectionRule,
}

/// <summary>What starts a rollout from GitHub: a push to <see cref="Branch"/>, a successful run of
/// <see cref="Workflow"/>, or a job on <see cref="Branch"/> waiting on the bot's deployment protection rule. The <c>trigger</c> section of the release config.</summary>
public sealed record TriggerSpec
{
    /// <summary>The default value is <see cref="TriggerKind.None"/> (only commands start rollouts).</summary>
    public TriggerKind Kind { get; init; } = TriggerKind.None;

    /// <summary>Branch whose pushes (or whose workflow runs) start a rollout. The default value is <c>main</c>.</summary>
    public string Branch { get; init; } = "main";

    /// <summary>For <see cref="TriggerKind.WorkflowRun"/>: the workflow's name, file name (<c>build.yml</c>) or path
    /// (<c>.github/workflows/build.yml</c>).</summary>
    public string? Workflow { get; init; }

    /// <summary>The version to deploy, from the commit: <c>{sha}</c>, <c>{sha7}</c>, <c>{branch}</c>, <c>{run}</c> (workflow
    /// run id) are replaced, e.g. <c>main-{sha7}</c>. The default value is null: the full commit SHA.</summary>
    public string? VersionTemplate { get; init; }
}

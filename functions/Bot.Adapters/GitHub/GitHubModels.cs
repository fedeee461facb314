using Octokit;

namespace Bot.Adapters.GitHub;

/// <summary>GitHub's limits on a check run (protocols.md §5.4), checked before a call is sent: at most
/// <see cref="MaxActions"/> buttons, each label ≤ 20, description ≤ 40 and identifier ≤ 20 characters; output summary
/// and text ≤ 65 535 characters of Markdown.</summary>
public static class CheckRunLimits
{
    public const int MaxLabel = 20, MaxDescription = 40, MaxIdentifier = 20, MaxActions = 3, MaxSummary = 65535;
}

/// <summary><c>POST …/actions/runs/{run_id}/deployment_protection_rule</c> (Octokit has no model for it): <see cref="State"/>
/// <c>approved</c> or <c>rejected</c> answers the job; without it the comment is a status report on the run (GitHub
/// shows up to 10 per deployment).</summary>
public sealed record ReviewProtectionRuleRequest(string EnvironmentName, string Comment)
{
    /// <summary>GitHub's limit on the comment, in characters.</summary>
    public const int MaxComment = 1024;
    public string? State { get; init; }
}

/// <summary>A created deployment, or (202) the message saying GitHub merged the default branch into the ref instead.</summary>
public sealed record DeploymentResult(Deployment? Deployment, string? MergedMessage)
{
    public bool Created => Deployment is not null;
}

/// <summary>A file read through the contents API, decoded to text.</summary>
public sealed record RepoFile(string Path, string Sha, string Text);

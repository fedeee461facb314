using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bot.Adapters.GitHub;

/// <summary>GitHub's JSON: snake_case names, nulls left out of requests.</summary>
public static class GitHubJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

// ---- requests -------------------------------------------------------------------------------------------------

/// <summary>A check-run button. Limits: <see cref="Label"/> ≤ 20, <see cref="Description"/> ≤ 40, <see cref="Identifier"/> ≤ 20 characters.</summary>
public sealed record CheckRunAction(string Label, string Description, string Identifier)
{
    public const int MaxLabel = 20, MaxDescription = 40, MaxIdentifier = 20, MaxActions = 3;
}

/// <summary>Check-run output; <see cref="Summary"/> and <see cref="Text"/> are Markdown of at most 65 535 characters.</summary>
public sealed record CheckRunOutput(string Title, string Summary, string? Text = null)
{
    public const int MaxSummary = 65535;
}

/// <summary><c>POST /repos/{owner}/{repo}/check-runs</c>.</summary>
public sealed record CreateCheckRunRequest
{
    public required string Name { get; init; }
    public required string HeadSha { get; init; }
    public string? DetailsUrl { get; init; }
    public string? ExternalId { get; init; }
    /// <summary><c>queued</c>, <c>in_progress</c> or <c>completed</c>.</summary>
    public string? Status { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>Setting it marks the run completed: <c>success</c>, <c>failure</c>, <c>cancelled</c>, ...</summary>
    public string? Conclusion { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public CheckRunOutput? Output { get; init; }
    public IReadOnlyList<CheckRunAction>? Actions { get; init; }
}

/// <summary><c>PATCH /repos/{owner}/{repo}/check-runs/{id}</c>. An empty <see cref="Actions"/> list removes the buttons.</summary>
public sealed record UpdateCheckRunRequest
{
    public string? Name { get; init; }
    public string? DetailsUrl { get; init; }
    public string? ExternalId { get; init; }
    public string? Status { get; init; }
    public string? Conclusion { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public CheckRunOutput? Output { get; init; }
    public IReadOnlyList<CheckRunAction>? Actions { get; init; }
}

/// <summary><c>POST /repos/{owner}/{repo}/statuses/{sha}</c>; <see cref="State"/> is pending, success, failure or error.</summary>
public sealed record CreateCommitStatusRequest(string State, string? TargetUrl = null, string? Description = null, string? Context = null);

/// <summary><c>POST /repos/{owner}/{repo}/deployments</c>. The bot always sends <c>auto_merge: false</c> and
/// <c>required_contexts: []</c> (deploy what was built, skip GitHub's own context checks).</summary>
public sealed record CreateDeploymentRequest
{
    public required string Ref { get; init; }
    public string Task { get; init; } = "deploy";
    public bool AutoMerge { get; init; }
    public IReadOnlyList<string> RequiredContexts { get; init; } = [];
    public Dictionary<string, string>? Payload { get; init; }
    public string? Environment { get; init; }
    public string? Description { get; init; }
    public bool? TransientEnvironment { get; init; }
    public bool? ProductionEnvironment { get; init; }
}

/// <summary><c>POST …/deployments/{id}/statuses</c>; <see cref="State"/> is error, failure, inactive, in_progress, queued, pending or success.</summary>
public sealed record CreateDeploymentStatusRequest(string State)
{
    public string? LogUrl { get; init; }
    public string? EnvironmentUrl { get; init; }
    /// <summary>At most 140 characters.</summary>
    public string? Description { get; init; }
    public string? Environment { get; init; }
    public bool? AutoInactive { get; init; }
}

/// <summary><c>POST …/actions/runs/{run_id}/deployment_protection_rule</c>: <see cref="State"/> <c>approved</c> or
/// <c>rejected</c> answers the job; without it the comment is a status report on the run (GitHub shows up to 10 per deployment).</summary>
public sealed record ReviewProtectionRuleRequest(string EnvironmentName, string Comment)
{
    /// <summary>GitHub's limit on the comment, in characters.</summary>
    public const int MaxComment = 1024;
    public string? State { get; init; }
}

// ---- responses ------------------------------------------------------------------------------------------------

public sealed record CheckRun(long Id, string Name, string HeadSha, string Status, string? Conclusion, string? HtmlUrl, string? ExternalId);

public sealed record IssueComment(long Id, string Body, string? HtmlUrl);

public sealed record Reaction(long Id, string Content);

public sealed record Deployment(long Id, string Ref, string Sha, string Environment, string? Url);

/// <summary>A created deployment, or (202) the message saying GitHub merged the default branch into the ref instead.</summary>
public sealed record DeploymentResult(Deployment? Deployment, string? MergedMessage)
{
    public bool Created => Deployment is not null;
}

public sealed record DeploymentStatus(long Id, string State);

public sealed record CommitStatus(long Id, string State, string? Context);

public sealed record CollaboratorPermission(string Permission, string? RoleName);

public sealed record TeamMembership(string State, string Role);

public sealed record PullRequestRef(string Ref, string Sha);

public sealed record PullRequest(int Number, string State, PullRequestRef Head, PullRequestRef Base, string? HtmlUrl);

/// <summary>A file read through the contents API, decoded to text.</summary>
public sealed record RepoFile(string Path, string Sha, string Text);

public sealed record Installation(long Id);

public sealed record InstallationToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>The raw JSON a contents call answers with (only file answers are used).</summary>
internal sealed record ContentResponse(string Type, string Path, string Sha, string? Content, string? Encoding);

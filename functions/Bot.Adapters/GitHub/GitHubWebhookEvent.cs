namespace Bot.Adapters.GitHub;

/// <summary>A GitHub user as a webhook names them.</summary>
public sealed record GitHubUser(string Login, long Id);

/// <summary>A verified, parsed webhook delivery. Only the fields the bot uses are kept.</summary>
public abstract record GitHubWebhookEvent
{
    /// <summary>The <c>X-GitHub-Event</c> header.</summary>
    public string Event { get; init; } = "";
    /// <summary>The <c>X-GitHub-Delivery</c> header: the same on a redelivery.</summary>
    public string DeliveryId { get; init; } = "";
    /// <summary>The <c>action</c> field, when the event has one.</summary>
    public string? Action { get; init; }
    /// <summary><c>installation.id</c>, present on deliveries to a GitHub App.</summary>
    public long? InstallationId { get; init; }
}

public sealed record PingEvent(string? Zen, long? HookId) : GitHubWebhookEvent;

/// <summary><c>push</c>: <see cref="Ref"/> is e.g. <c>refs/heads/main</c>; <see cref="After"/> the new head (all zeros when deleted).</summary>
public sealed record PushEvent(RepoRef Repository, string Ref, string After, bool Deleted, string? HeadCommitMessage, GitHubUser? Sender, string Pusher) : GitHubWebhookEvent
{
    /// <summary>The branch name, or null when the ref is a tag or something else.</summary>
    public string? Branch => Ref.StartsWith("refs/heads/", StringComparison.Ordinal) ? Ref["refs/heads/".Length..] : null;
}

/// <summary><c>workflow_run</c>. <see cref="Conclusion"/> is null until the run completes.</summary>
public sealed record WorkflowRunEvent(
    RepoRef Repository, long RunId, string WorkflowName, string? WorkflowPath, string HeadSha, string? HeadBranch,
    string? Status, string? Conclusion, string? HtmlUrl, GitHubUser Sender) : GitHubWebhookEvent;

/// <summary><c>check_run</c>; <see cref="Identifier"/> is <c>requested_action.identifier</c> for a button press.</summary>
public sealed record CheckRunEvent(
    RepoRef Repository, long CheckRunId, string Name, string HeadSha, string? ExternalId, string? Identifier, GitHubUser Sender) : GitHubWebhookEvent;

/// <summary><c>issue_comment</c>. <see cref="IsPullRequest"/> is true when <c>issue.pull_request</c> exists.</summary>
public sealed record IssueCommentEvent(
    RepoRef Repository, int IssueNumber, bool IsPullRequest, long CommentId, string Body, GitHubUser Commenter, string? HtmlUrl) : GitHubWebhookEvent;

/// <summary><c>deployment_protection_rule</c> (action <c>requested</c>): a job targeting <see cref="Environment"/> waits for the
/// app's review. <see cref="RunId"/> comes from <see cref="CallbackUrl"/> (<c>…/actions/runs/{run_id}/deployment_protection_rule</c>);
/// the bot answers on its own API base with that id, never by posting its token to a URL a payload names.</summary>
public sealed record DeploymentProtectionRuleEvent(
    RepoRef Repository, string Environment, string? Trigger, string CallbackUrl, long RunId, string Sha, string? Ref, GitHubUser? Sender) : GitHubWebhookEvent;

/// <summary>An event the bot does not act on; <see cref="Reason"/> says why (shown in the 202 body).</summary>
public sealed record IgnoredEvent(string Reason) : GitHubWebhookEvent;

using System.Net;
using System.Text;

namespace Bot.Adapters.GitHub;

/// <summary>The GitHub REST operations the bot uses, one method each. Calls about a repository authenticate with the
/// token <see cref="IGitHubCredentials"/> gives for it. Files read at a commit SHA are remembered (<see cref="GitHubFileCache"/>).</summary>
public sealed class GitHubClient(GitHubConnection connection, IGitHubCredentials credentials, GitHubFileCache? files = null)
{
    public IGitHubCredentials Credentials => credentials;

    private async Task<GitHubResponse> SendAsync(RepoRef repo, HttpMethod method, string path, object? body, CancellationToken ct, params HttpStatusCode[] allowed) =>
        await connection.SendAsync(method, path, body, await credentials.GetTokenAsync(repo, ct), ct, allowed);

    /// <summary><c>POST /repos/{owner}/{repo}/check-runs</c> → 201. Needs a GitHub App with checks:write.</summary>
    public async Task<CheckRun> CreateCheckRunAsync(RepoRef repo, CreateCheckRunRequest body, CancellationToken ct)
    {
        ValidateActions(body.Actions);
        return (await SendAsync(repo, HttpMethod.Post, GitHubRoutes.CheckRuns(repo), body, ct)).Read<CheckRun>();
    }

    /// <summary><c>PATCH /repos/{owner}/{repo}/check-runs/{id}</c> → 200.</summary>
    public async Task<CheckRun> UpdateCheckRunAsync(RepoRef repo, long checkRunId, UpdateCheckRunRequest body, CancellationToken ct)
    {
        ValidateActions(body.Actions);
        return (await SendAsync(repo, HttpMethod.Patch, GitHubRoutes.CheckRun(repo, checkRunId), body, ct)).Read<CheckRun>();
    }

    /// <summary><c>POST /repos/{owner}/{repo}/statuses/{sha}</c> → 201.</summary>
    public async Task<CommitStatus> CreateCommitStatusAsync(RepoRef repo, string sha, CreateCommitStatusRequest body, CancellationToken ct) =>
        (await SendAsync(repo, HttpMethod.Post, GitHubRoutes.CommitStatuses(repo, sha), body, ct)).Read<CommitStatus>();

    /// <summary><c>POST /repos/{owner}/{repo}/issues/{number}/comments</c> → 201 (pull requests are issues).</summary>
    public async Task<IssueComment> CreateIssueCommentAsync(RepoRef repo, int issueNumber, string body, CancellationToken ct) =>
        (await SendAsync(repo, HttpMethod.Post, GitHubRoutes.IssueComments(repo, issueNumber), new { body }, ct)).Read<IssueComment>();

    /// <summary><c>POST /repos/{owner}/{repo}/issues/comments/{id}/reactions</c> → 201 (200 when it already exists).
    /// <paramref name="content"/> is one of +1, -1, laugh, confused, heart, hooray, rocket, eyes.</summary>
    public async Task<Reaction> CreateCommentReactionAsync(RepoRef repo, long commentId, string content, CancellationToken ct) =>
        (await SendAsync(repo, HttpMethod.Post, GitHubRoutes.CommentReactions(repo, commentId), new { content }, ct)).Read<Reaction>();

    /// <summary><c>POST /repos/{owner}/{repo}/deployments</c>: 201 with the deployment, or 202 when GitHub merged the
    /// default branch into the ref instead (<see cref="DeploymentResult.MergedMessage"/>; try again later).</summary>
    public async Task<DeploymentResult> CreateDeploymentAsync(RepoRef repo, CreateDeploymentRequest body, CancellationToken ct)
    {
        var response = await SendAsync(repo, HttpMethod.Post, GitHubRoutes.Deployments(repo), body, ct);
        return response.StatusCode == HttpStatusCode.Accepted
            ? new DeploymentResult(null, response.Read<MergedBranch>().Message ?? "GitHub merged the default branch into the ref")
            : new DeploymentResult(response.Read<Deployment>(), null);
    }

    private sealed record MergedBranch(string? Message);

    /// <summary><c>POST /repos/{owner}/{repo}/deployments/{id}/statuses</c> → 201.</summary>
    public async Task<DeploymentStatus> CreateDeploymentStatusAsync(RepoRef repo, long deploymentId, CreateDeploymentStatusRequest body, CancellationToken ct) =>
        (await SendAsync(repo, HttpMethod.Post, GitHubRoutes.DeploymentStatuses(repo, deploymentId), body, ct)).Read<DeploymentStatus>();

    /// <summary><c>GET /repos/{owner}/{repo}/collaborators/{user}/permission</c>: admin, maintain, write, triage, read or none.
    /// A user GitHub does not know (404) has <c>none</c>.</summary>
    public async Task<CollaboratorPermission> GetCollaboratorPermissionAsync(RepoRef repo, string username, CancellationToken ct)
    {
        var response = await SendAsync(repo, HttpMethod.Get, GitHubRoutes.CollaboratorPermission(repo, username), null, ct, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.NotFound ? new CollaboratorPermission("none", null) : response.Read<CollaboratorPermission>();
    }

    /// <summary><c>GET /orgs/{org}/teams/{team}/memberships/{user}</c>; null when the user is not a member (404).
    /// Authenticates with the token of <paramref name="viaRepo"/>'s installation (needs members:read on the org).</summary>
    public async Task<TeamMembership?> GetTeamMembershipAsync(RepoRef viaRepo, string org, string teamSlug, string username, CancellationToken ct)
    {
        var response = await SendAsync(viaRepo, HttpMethod.Get, GitHubRoutes.TeamMembership(org, teamSlug, username), null, ct, HttpStatusCode.NotFound);
        return response.StatusCode == HttpStatusCode.NotFound ? null : response.Read<TeamMembership>();
    }

    /// <summary><c>GET /repos/{owner}/{repo}/contents/{path}?ref=</c>: the file's text, or null when it does not exist (404);
    /// at a commit SHA read before, from memory.</summary>
    /// <exception cref="InvalidOperationException">The path is a directory, symlink or submodule.</exception>
    public Task<RepoFile?> GetFileAsync(RepoRef repo, string path, string? gitRef, CancellationToken ct) =>
        files is null ? FetchFileAsync(repo, path, gitRef, ct) : files.GetAsync(repo, path, gitRef, c => FetchFileAsync(repo, path, gitRef, c), ct);

    private async Task<RepoFile?> FetchFileAsync(RepoRef repo, string path, string? gitRef, CancellationToken ct)
    {
        var response = await SendAsync(repo, HttpMethod.Get, GitHubRoutes.Contents(repo, path, gitRef), null, ct, HttpStatusCode.NotFound);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (response.Body.TrimStart().StartsWith('[')) throw new InvalidOperationException($"{repo.FullName}:{path} is a directory, not a file");
        var content = response.Read<ContentResponse>();
        if (content.Type != "file" || content.Content is null)
            throw new InvalidOperationException($"{repo.FullName}:{path} is a {content.Type}, not a file");
        var text = content.Encoding == "base64"
            ? Encoding.UTF8.GetString(Convert.FromBase64String(content.Content.Replace("\n", "").Replace("\\n", "")))
            : content.Content;
        return new RepoFile(content.Path, content.Sha, text);
    }

    /// <summary><c>GET /repos/{owner}/{repo}/pulls/{number}</c>.</summary>
    public async Task<PullRequest> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct) =>
        (await SendAsync(repo, HttpMethod.Get, GitHubRoutes.Pull(repo, number), null, ct)).Read<PullRequest>();

    /// <summary><c>POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule</c> → 204: approves or rejects
    /// the run's job waiting on this app's custom deployment protection rule, or (no state) posts a status report on the run.
    /// GitHub answers 422 when the run is not waiting on this app's rule for that environment (e.g. already answered).</summary>
    public async Task ReviewDeploymentProtectionRuleAsync(RepoRef repo, long runId, ReviewProtectionRuleRequest body, CancellationToken ct)
    {
        if (body.Comment.Length > ReviewProtectionRuleRequest.MaxComment)
            throw new ArgumentException($"a deployment protection rule comment has at most {ReviewProtectionRuleRequest.MaxComment} characters, got {body.Comment.Length}");
        await SendAsync(repo, HttpMethod.Post, GitHubRoutes.DeploymentProtectionRule(repo, runId), body, ct);
    }

    private static void ValidateActions(IReadOnlyList<CheckRunAction>? actions)
    {
        if (actions is null) return;
        if (actions.Count > CheckRunAction.MaxActions)
            throw new ArgumentException($"a check run has at most {CheckRunAction.MaxActions} actions, got {actions.Count}");
        foreach (var a in actions)
        {
            if (a.Label.Length > CheckRunAction.MaxLabel) throw new ArgumentException($"check-run action label '{a.Label}' is longer than {CheckRunAction.MaxLabel}");
            if (a.Identifier.Length > CheckRunAction.MaxIdentifier) throw new ArgumentException($"check-run action identifier '{a.Identifier}' is longer than {CheckRunAction.MaxIdentifier}");
            if (a.Description.Length > CheckRunAction.MaxDescription) throw new ArgumentException($"check-run action description '{a.Description}' is longer than {CheckRunAction.MaxDescription}");
        }
    }
}

using System.Net;
using System.Text.Json;
using Octokit;

namespace Bot.Adapters.GitHub;

/// <summary>The GitHub REST operations the bot uses, one method each, on Octokit's typed clients (raw calls on Octokit's
/// connection where it has none). Calls about a repository authenticate with the token <see cref="IGitHubCredentials"/>
/// gives for it. Files read at a commit SHA are remembered (<see cref="GitHubFileCache"/>). Errors are
/// <see cref="GitHubApiException"/> (<see cref="GitHubConnection"/>).</summary>
public sealed class GitHubClient(GitHubConnection connection, IGitHubCredentials credentials, GitHubFileCache? files = null)
{
    public IGitHubCredentials Credentials => credentials;

    private async Task<T> SendAsync<T>(RepoRef repo, HttpMethod method, Uri path, Func<IGitHubClient, Task<T>> call, CancellationToken ct) =>
        await connection.SendAsync(await credentials.GetTokenAsync(repo, ct).ConfigureAwait(false), method, path, call, ct).ConfigureAwait(false);

    /// <summary><c>POST /repos/{owner}/{repo}/check-runs</c> → 201. Needs a GitHub App with checks:write.</summary>
    public Task<CheckRun> CreateCheckRunAsync(RepoRef repo, NewCheckRun body, CancellationToken ct)
    {
        ValidateActions(body.Actions);
        return SendAsync(repo, HttpMethod.Post, ApiUrls.CheckRuns(repo.Owner, repo.Name), gh => gh.Check.Run.Create(repo.Owner, repo.Name, body), ct);
    }

    /// <summary><c>PATCH /repos/{owner}/{repo}/check-runs/{id}</c> → 200. An empty action list removes the buttons.</summary>
    public Task<CheckRun> UpdateCheckRunAsync(RepoRef repo, long checkRunId, CheckRunUpdate body, CancellationToken ct)
    {
        ValidateActions(body.Actions);
        return SendAsync(repo, HttpMethod.Patch, ApiUrls.CheckRun(repo.Owner, repo.Name, checkRunId), gh => gh.Check.Run.Update(repo.Owner, repo.Name, checkRunId, body), ct);
    }

    /// <summary><c>POST /repos/{owner}/{repo}/statuses/{sha}</c> → 201.</summary>
    public Task<CommitStatus> CreateCommitStatusAsync(RepoRef repo, string sha, NewCommitStatus body, CancellationToken ct) =>
        SendAsync(repo, HttpMethod.Post, ApiUrls.CreateCommitStatus(repo.Owner, repo.Name, sha), gh => gh.Repository.Status.Create(repo.Owner, repo.Name, sha, body), ct);

    /// <summary><c>POST /repos/{owner}/{repo}/issues/{number}/comments</c> → 201 (pull requests are issues).</summary>
    public Task<IssueComment> CreateIssueCommentAsync(RepoRef repo, int issueNumber, string body, CancellationToken ct) =>
        SendAsync(repo, HttpMethod.Post, ApiUrls.IssueComments(repo.Owner, repo.Name, issueNumber), gh => gh.Issue.Comment.Create(repo.Owner, repo.Name, issueNumber, body), ct);

    /// <summary><c>POST /repos/{owner}/{repo}/issues/comments/{id}/reactions</c> → 201 (200 when it already exists).
    /// <paramref name="content"/> is one of +1, -1, laugh, confused, heart, hooray, rocket, eyes.</summary>
    public Task<Reaction> CreateCommentReactionAsync(RepoRef repo, long commentId, string content, CancellationToken ct)
    {
        var reaction = new NewReaction(content switch
        {
            "+1" => ReactionType.Plus1,
            "-1" => ReactionType.Minus1,
            _ => Enum.TryParse<ReactionType>(content, ignoreCase: true, out var r) && !content.Any(char.IsDigit) ? r
                : throw new ArgumentException($"'{content}' is not a GitHub reaction: +1, -1, laugh, confused, heart, hooray, rocket or eyes", nameof(content)),
        });
        return SendAsync(repo, HttpMethod.Post, ApiUrls.IssueCommentReactions(repo.Owner, repo.Name, commentId), gh => gh.Reaction.IssueComment.Create(repo.Owner, repo.Name, commentId, reaction), ct);
    }

    /// <summary><c>POST /repos/{owner}/{repo}/deployments</c>: 201 with the deployment, or 202 when GitHub merged the
    /// default branch into the ref instead (<see cref="DeploymentResult.MergedMessage"/>; try again later). The bot always
    /// sends <c>auto_merge: false</c> and <c>required_contexts: []</c> (deploy what was built, skip GitHub's context checks).
    /// A raw call on Octokit's connection: its typed client cannot tell a 202 from a 201.</summary>
    public Task<DeploymentResult> CreateDeploymentAsync(RepoRef repo, NewDeployment body, CancellationToken ct)
    {
        body.AutoMerge = false;
        body.RequiredContexts ??= [];
        var path = ApiUrls.Deployments(repo.Owner, repo.Name);
        return SendAsync(repo, HttpMethod.Post, path, async gh =>
        {
            var response = await gh.Connection.Post<Deployment>(path, body, AcceptHeaders.StableVersionJson, "application/json", parameters: null, ct).ConfigureAwait(false);
            return response.HttpResponse.StatusCode == HttpStatusCode.Accepted
                ? new DeploymentResult(null, MessageOf(response.HttpResponse.Body as string) ?? "GitHub merged the default branch into the ref")
                : new DeploymentResult(response.Body, null);
        }, ct);
    }

    private static string? MessageOf(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>POST /repos/{owner}/{repo}/deployments/{id}/statuses</c> → 201.</summary>
    public Task<DeploymentStatus> CreateDeploymentStatusAsync(RepoRef repo, long deploymentId, NewDeploymentStatus body, CancellationToken ct) =>
        SendAsync(repo, HttpMethod.Post, ApiUrls.DeploymentStatuses(repo.Owner, repo.Name, deploymentId), gh => gh.Repository.Deployment.Status.Create(repo.Owner, repo.Name, deploymentId, body), ct);

    /// <summary><c>GET /repos/{owner}/{repo}/collaborators/{user}/permission</c>: admin, maintain, write, triage, read or none.
    /// A user GitHub does not know (404) has <c>none</c>.</summary>
    public Task<CollaboratorPermissionResponse> GetCollaboratorPermissionAsync(RepoRef repo, string username, CancellationToken ct) =>
        SendAsync(repo, HttpMethod.Get, ApiUrls.RepoCollaboratorPermission(repo.Owner, repo.Name, username), async gh =>
        {
            try
            {
                return await gh.Repository.Collaborator.ReviewPermission(repo.Owner, repo.Name, username).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                return new CollaboratorPermissionResponse("none", null, null);
            }
        }, ct);

    /// <summary><c>GET /orgs/{org}/teams/{team}/memberships/{user}</c>; null when the user is not a member (404).
    /// Authenticates with the token of <paramref name="viaRepo"/>'s installation (needs members:read on the org). A raw
    /// call on Octokit's connection: its typed client asks by team id, not slug.</summary>
    public Task<TeamMembershipDetails?> GetTeamMembershipAsync(RepoRef viaRepo, string org, string teamSlug, string username, CancellationToken ct)
    {
        var path = new Uri($"orgs/{Uri.EscapeDataString(org)}/teams/{Uri.EscapeDataString(teamSlug)}/memberships/{Uri.EscapeDataString(username)}", UriKind.Relative);
        return SendAsync(viaRepo, HttpMethod.Get, path, async gh =>
        {
            try
            {
                return (await gh.Connection.Get<TeamMembershipDetails>(path, null, AcceptHeaders.StableVersionJson, ct).ConfigureAwait(false)).Body;
            }
            catch (NotFoundException)
            {
                return null;
            }
        }, ct);
    }

    /// <summary><c>GET /repos/{owner}/{repo}/contents/{path}?ref=</c>: the file's text, or null when it does not exist (404);
    /// at a commit SHA read before, from memory.</summary>
    /// <exception cref="InvalidOperationException">The path is a directory, symlink or submodule.</exception>
    public Task<RepoFile?> GetFileAsync(RepoRef repo, string path, string? gitRef, CancellationToken ct) =>
        files is null ? FetchFileAsync(repo, path, gitRef, ct) : files.GetAsync(repo, path, gitRef, c => FetchFileAsync(repo, path, gitRef, c), ct);

    private async Task<RepoFile?> FetchFileAsync(RepoRef repo, string path, string? gitRef, CancellationToken ct)
    {
        var url = gitRef is null ? ApiUrls.RepositoryContent(repo.Owner, repo.Name, path) : ApiUrls.RepositoryContent(repo.Owner, repo.Name, path, gitRef);
        var contents = await SendAsync(repo, HttpMethod.Get, url, async gh =>
        {
            try
            {
                return gitRef is null
                    ? await gh.Repository.Content.GetAllContents(repo.Owner, repo.Name, path).ConfigureAwait(false)
                    : await gh.Repository.Content.GetAllContentsByRef(repo.Owner, repo.Name, path, gitRef).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                return null;
            }
        }, ct).ConfigureAwait(false);
        if (contents is null) return null;
        // A file answers one entry naming the path itself; a directory lists its entries.
        if (contents is not [{ } content] || content.Path != path.Trim('/'))
            throw new InvalidOperationException($"{repo.FullName}:{path} is a directory, not a file");
        if (content.Type.Value != ContentType.File || content.EncodedContent is null)
            throw new InvalidOperationException($"{repo.FullName}:{path} is a {content.Type.StringValue}, not a file");
        return new RepoFile(content.Path, content.Sha, content.Content);
    }

    /// <summary><c>GET /repos/{owner}/{repo}/pulls/{number}</c>.</summary>
    public Task<PullRequest> GetPullRequestAsync(RepoRef repo, int number, CancellationToken ct) =>
        SendAsync(repo, HttpMethod.Get, ApiUrls.PullRequest(repo.Owner, repo.Name, number), gh => gh.PullRequest.Get(repo.Owner, repo.Name, number), ct);

    /// <summary><c>POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule</c> → 204: approves or rejects
    /// the run's job waiting on this app's custom deployment protection rule, or (no state) posts a status report on the run.
    /// GitHub answers 422 when the run is not waiting on this app's rule for that environment (e.g. already answered).
    /// A raw call on Octokit's connection: Octokit has no typed call for it.</summary>
    public Task ReviewDeploymentProtectionRuleAsync(RepoRef repo, long runId, ReviewProtectionRuleRequest body, CancellationToken ct)
    {
        if (body.Comment.Length > ReviewProtectionRuleRequest.MaxComment)
            throw new ArgumentException($"a deployment protection rule comment has at most {ReviewProtectionRuleRequest.MaxComment} characters, got {body.Comment.Length}");
        var path = new Uri($"repos/{Uri.EscapeDataString(repo.Owner)}/{Uri.EscapeDataString(repo.Name)}/actions/runs/{runId}/deployment_protection_rule", UriKind.Relative);
        return SendAsync(repo, HttpMethod.Post, path,
            gh => gh.Connection.Post(path, body, AcceptHeaders.StableVersionJson, ct), ct);
    }

    private static void ValidateActions(IReadOnlyList<NewCheckRunAction>? actions)
    {
        if (actions is null) return;
        if (actions.Count > CheckRunLimits.MaxActions)
            throw new ArgumentException($"a check run has at most {CheckRunLimits.MaxActions} actions, got {actions.Count}");
        foreach (var a in actions)
        {
            if (a.Label.Length > CheckRunLimits.MaxLabel) throw new ArgumentException($"check-run action label '{a.Label}' is longer than {CheckRunLimits.MaxLabel}");
            if (a.Identifier.Length > CheckRunLimits.MaxIdentifier) throw new ArgumentException($"check-run action identifier '{a.Identifier}' is longer than {CheckRunLimits.MaxIdentifier}");
            if (a.Description.Length > CheckRunLimits.MaxDescription) throw new ArgumentException($"check-run action description '{a.Description}' is longer than {CheckRunLimits.MaxDescription}");
        }
    }
}

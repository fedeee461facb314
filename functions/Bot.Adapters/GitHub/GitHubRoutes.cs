namespace Bot.Adapters.GitHub;

/// <summary>REST paths, relative to the base URL (no leading slash, so GHES <c>/api/v3/</c> is kept).</summary>
public static class GitHubRoutes
{
    private static string E(string s) => Uri.EscapeDataString(s);
    private static string R(RepoRef r) => $"repos/{E(r.Owner)}/{E(r.Name)}";

    public static string CheckRuns(RepoRef r) => $"{R(r)}/check-runs";
    public static string CheckRun(RepoRef r, long id) => $"{R(r)}/check-runs/{id}";
    public static string CommitStatuses(RepoRef r, string sha) => $"{R(r)}/statuses/{E(sha)}";
    public static string IssueComments(RepoRef r, int number) => $"{R(r)}/issues/{number}/comments";
    public static string CommentReactions(RepoRef r, long commentId) => $"{R(r)}/issues/comments/{commentId}/reactions";
    public static string Deployments(RepoRef r) => $"{R(r)}/deployments";
    public static string DeploymentStatuses(RepoRef r, long id) => $"{R(r)}/deployments/{id}/statuses";
    public static string CollaboratorPermission(RepoRef r, string user) => $"{R(r)}/collaborators/{E(user)}/permission";
    public static string TeamMembership(string org, string team, string user) => $"orgs/{E(org)}/teams/{E(team)}/memberships/{E(user)}";
    /// <summary>The path keeps its slashes (multi-segment); each segment is escaped.</summary>
    public static string Contents(RepoRef r, string path, string? gitRef) =>
        $"{R(r)}/contents/{string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(E))}" + (gitRef is null ? "" : $"?ref={E(gitRef)}");
    public static string Pull(RepoRef r, int number) => $"{R(r)}/pulls/{number}";
    public static string DeploymentProtectionRule(RepoRef r, long runId) => $"{R(r)}/actions/runs/{runId}/deployment_protection_rule";
    public static string RepoInstallation(RepoRef r) => $"{R(r)}/installation";
    public static string InstallationAccessTokens(long installationId) => $"app/installations/{installationId}/access_tokens";
}

using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Adapters.GitHub;

/// <summary>
/// <see cref="IMembershipResolver"/> for GitHub teams written <c>@org/team-slug</c> in a release config (and in
/// <see cref="GitHubOptions.CommandTeams"/>). Asks <c>GET /orgs/{org}/teams/{team}/memberships/{login}</c> with the
/// installation token of <paramref name="viaRepo"/> (the app needs members:read). Only GitHub actors can match; Slack
/// groups (<c>@sre</c>, no slash) are never GitHub teams.
/// </summary>
public sealed class GitHubTeamMembershipResolver(GitHubClient github, RepoRef viaRepo, GitHubTeamMembershipCache cache) : IMembershipResolver
{
    public async ValueTask<bool> IsMemberAsync(string group, Actor actor, CancellationToken ct)
    {
        if (actor.Surface != "github" || !TryParseTeam(group, out var org, out var team)) return false;
        return await cache.IsActiveMemberAsync(org, team, actor.Id, c => github.GetTeamMembershipAsync(viaRepo, org, team, actor.Id, c), ct).ConfigureAwait(false);
    }

    /// <summary><c>@org/team</c> or <c>org/team</c> into its parts.</summary>
    public static bool TryParseTeam(string group, out string org, out string team)
    {
        var parts = group.TrimStart('@').Split('/');
        (org, team) = parts.Length == 2 && parts[0].Length > 0 && parts[1].Length > 0 ? (parts[0], parts[1]) : ("", "");
        return org.Length > 0;
    }
}

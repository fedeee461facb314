using System.Collections.Concurrent;

namespace Bot.Adapters.GitHub;

/// <summary>
/// Remembers GitHub team membership answers (member or not) per <c>org/team/login</c> for <see cref="Ttl"/>, so a burst of
/// commands or a config with several teams does not spend the installation's rate limit. One per app (singleton).
/// </summary>
public sealed class GitHubTeamMembershipCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Org, string Team, string Login), (bool Member, DateTimeOffset Until)> _answers = new();

    /// <summary>How long an answer is kept. The default value is 5 minutes: a removed member keeps rights at most that long.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromMinutes(5);

    public async ValueTask<bool> IsActiveMemberAsync(string org, string team, string login, Func<CancellationToken, Task<Octokit.TeamMembershipDetails?>> fetch, CancellationToken ct)
    {
        // GitHub's org, team slug and login comparisons are case-insensitive.
        var key = (org.ToLowerInvariant(), team.ToLowerInvariant(), login.ToLowerInvariant());
        var now = time.GetUtcNow();
        if (_answers.TryGetValue(key, out var known) && known.Until > now) return known.Member;
        // Pending invitations do not count: only "active" members act.
        var member = (await fetch(ct).ConfigureAwait(false))?.State.StringValue == "active";
        _answers[key] = (member, now + Ttl);
        return member;
    }
}

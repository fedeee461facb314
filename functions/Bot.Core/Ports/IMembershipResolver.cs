using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>
/// Resolves group principals of a release config (<c>@sre</c>: a Slack user group handle; <c>@acme/sre</c>: a GitHub team)
/// for the <see cref="Policies.Authorizer"/>. Implementations look up the actor's own surface (Slack
/// <c>usergroups.users.list</c>, GitHub team membership) and cache with expiry.
/// </summary>
public interface IMembershipResolver
{
    /// <summary>True when <paramref name="actor"/> belongs to <paramref name="group"/> (as written in the config,
    /// with its leading '@'). False for groups of another surface or unknown groups; never throws for "not a member".</summary>
    ValueTask<bool> IsMemberAsync(string group, Actor actor, CancellationToken ct);
}

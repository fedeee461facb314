using System.Collections.Concurrent;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Options;

namespace Bot.Adapters.Slack;

/// <summary>
/// Resolves Slack user groups to member IDs through <c>usergroups.users.list</c>, cached for
/// <see cref="SlackOptions.UserGroupCacheTtl"/>. Groups are named in configs by handle (<c>@sre</c>, mapped to an ID
/// with <see cref="SlackOptions.UserGroups"/>) or by ID (<c>@S…</c>). This is Slack's <see cref="IMembershipResolver"/> for
/// the core <see cref="Bot.Core.Policies.Authorizer"/>.
/// </summary>
public sealed class SlackUserGroupDirectory(SlackClient slack, IOptions<SlackOptions> options, TimeProvider time) : IMembershipResolver
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlySet<string> Members)> _cache = new();

    /// <summary>The group ID for a config entry, or null when the entry is not a group (or an unmapped handle).</summary>
    public string? GroupIdOf(string entry)
    {
        var name = entry.StartsWith('@') ? entry[1..] : entry;
        if (options.Value.UserGroups.TryGetValue(name, out var id)) return id;
        return name.Length > 1 && name[0] == 'S' && name.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)) && name.Skip(1).Any(char.IsAsciiDigit) ? name : null;
    }

    /// <summary>Slack users only: a Slack actor, or an API key or CI token mapped to a Slack user ID; a GitHub actor is
    /// never a member of a Slack group. An unmapped handle is no group.</summary>
    public async ValueTask<bool> IsMemberAsync(string group, Actor actor, CancellationToken ct) =>
        (string.Equals(actor.Surface, "slack", StringComparison.OrdinalIgnoreCase) ? actor.Id : actor.Identity) is { } user
        && !user.StartsWith('@')
        && GroupIdOf(group) is { } id
        && (await MembersAsync(id, ct)).Contains(user);

    public async Task<IReadOnlySet<string>> MembersAsync(string groupId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(groupId, out var hit) && hit.Expires > now) return hit.Members;
        var members = (await slack.GetUserGroupMembersAsync(groupId, ct)).ToHashSet(StringComparer.Ordinal);
        _cache[groupId] = (now + options.Value.UserGroupCacheTtl, members);
        return members;
    }
}

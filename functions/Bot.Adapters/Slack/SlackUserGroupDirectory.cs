using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bot.Adapters.Slack;

/// <summary>
/// Resolves Slack user groups to member IDs through <c>usergroups.users.list</c>, cached for
/// <see cref="SlackOptions.UserGroupCacheTtl"/>. Groups are named in configs by handle (<c>@sre</c>, mapped to an ID
/// with <see cref="SlackOptions.UserGroups"/>) or by ID (<c>S…</c>).
/// </summary>
public sealed class SlackUserGroupDirectory(SlackClient slack, IOptions<SlackOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, IReadOnlySet<string> Members)> _cache = new();

    /// <summary>The group ID for a config entry, or null when the entry is not a group (or an unmapped handle).</summary>
    public string? GroupIdOf(string entry)
    {
        if (entry.StartsWith('@')) return options.Value.UserGroups.TryGetValue(entry[1..], out var id) ? id : null;
        return entry.Length > 1 && entry[0] == 'S' && entry.All(char.IsAsciiLetterOrDigit) && entry.Skip(1).Any(char.IsAsciiDigit) ? entry : null;
    }

    public async Task<IReadOnlySet<string>> MembersAsync(string groupId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(groupId, out var hit) && hit.Expires > now) return hit.Members;
        var members = (await slack.GetUserGroupMembersAsync(groupId, ct)).ToHashSet(StringComparer.Ordinal);
        _cache[groupId] = (now + options.Value.UserGroupCacheTtl, members);
        return members;
    }

    /// <summary>True when <paramref name="userId"/> is named in <paramref name="entries"/> directly or through a group.</summary>
    public async Task<bool> IsListedAsync(string userId, IEnumerable<string> entries, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            if (string.Equals(entry, userId, StringComparison.Ordinal)) return true;
            if (GroupIdOf(entry) is { } group && (await MembersAsync(group, ct)).Contains(userId)) return true;
        }
        return false;
    }
}

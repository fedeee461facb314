using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>No groups: only principals that name the actor directly match. For tests and unconfigured surfaces.</summary>
public sealed class NoGroupsMembershipResolver : IMembershipResolver
{
    public static readonly NoGroupsMembershipResolver Instance = new();

    public ValueTask<bool> IsMemberAsync(string group, Actor actor, CancellationToken ct) => ValueTask.FromResult(false);
}

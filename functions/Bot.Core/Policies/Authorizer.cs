using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Policies;

/// <summary>
/// Who may do what to a service, from its release config. Rules (an empty list means anyone the surface authenticated):
/// <list type="bullet">
/// <item>status, history, help: anyone.</item>
/// <item>deploy: <c>deployers</c>.</item>
/// <item>approve: the current approval step's <c>approvers</c>, else the service's <c>approvers</c>, else <c>deployers</c>.</item>
/// <item>promote, freeze, unfreeze: <c>approvers</c> (and the current step's), else <c>deployers</c>.</item>
/// <item>pause, resume, abort, rollback, restore: <c>deployers</c> and <c>approvers</c> (and the current step's approvers).</item>
/// <item>the bot itself (surfaces <c>system</c> and <c>timer</c>): always.</item>
/// </list>
/// Self-approval and N distinct approvers are the state machine's rules; this only answers "may this person act".
/// </summary>
public sealed class Authorizer(IMembershipResolver membership)
{
    public async ValueTask<AuthorizationResult> AuthorizeAsync(ReleaseConfig config, Actor actor, ReleaseAction action, RolloutState? rollout, CancellationToken ct)
    {
        var (role, principals) = WhoMay(config, action, rollout);
        var verb = action.ToString().ToLowerInvariant();
        var who = principals.Count == 0 ? $"anyone may {verb} {config.Service}" : $"{role} of {config.Service}: {string.Join(", ", principals)}";
        if (principals.Count == 0 || actor.Surface is "system" or "timer")
            return new(true, who, principals);

        foreach (var p in principals)
        {
            if (Names(p, actor)) return new(true, $"{actor.Name} may {verb} {config.Service}", principals);
            if (p.StartsWith('@') && await membership.IsMemberAsync(p, actor, ct).ConfigureAwait(false))
                return new(true, $"{actor.Name} may {verb} {config.Service} as a member of {p}", principals);
        }
        return new(false, $"{actor.Name} may not {verb} {config.Service}; {who}", principals);
    }

    /// <summary>The principal names the actor: its id (Slack user ID, GitHub login, API key or CI token name) or the
    /// identity its key or token is mapped to (which may be an <c>@group</c> handle).</summary>
    private static bool Names(string principal, Actor actor) =>
        string.Equals(principal, actor.Id, StringComparison.OrdinalIgnoreCase)
        || (actor.Identity is { } identity && string.Equals(principal, identity, StringComparison.OrdinalIgnoreCase));

    /// <summary>The role name and principals that may do <paramref name="action"/>; empty principals means anyone.</summary>
    public static (string Role, IReadOnlyList<string> Principals) WhoMay(ReleaseConfig config, ReleaseAction action, RolloutState? rollout)
    {
        var step = (rollout?.CurrentStep as ApprovalStep)?.Approvers ?? [];
        IReadOnlyList<string> Union(params IReadOnlyList<string>[] lists) => lists.SelectMany(l => l).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        IReadOnlyList<string> FirstNonEmpty(params IReadOnlyList<string>[] lists) => lists.FirstOrDefault(l => l.Count > 0) ?? [];

        return action switch
        {
            ReleaseAction.Status or ReleaseAction.History or ReleaseAction.Help => ("anyone", []),
            ReleaseAction.Deploy => ("deployers", config.Deployers),
            ReleaseAction.Approve => ("approvers", FirstNonEmpty(step, config.Approvers, config.Deployers)),
            ReleaseAction.Promote or ReleaseAction.Freeze or ReleaseAction.Unfreeze =>
                ("approvers", FirstNonEmpty(Union(config.Approvers, step), config.Deployers)),
            _ => ("deployers and approvers", Union(config.Deployers, config.Approvers, step)),
        };
    }
}

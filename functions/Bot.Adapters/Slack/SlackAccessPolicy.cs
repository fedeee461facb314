using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Slack;

/// <summary>What a Slack user asks to do, for authorization.</summary>
public enum SlackPermission { Deploy, Approve, Operate }

/// <summary>
/// Who may act from Slack, per service: deployers start/promote/abort, approvers approve (the approval step's own
/// list first, then the service's approvers, then its deployers), and either may roll back, pause and resume.
/// An empty list means anyone in the workspace. A refusal names who may act ("approvers of checkout: @sre").
/// </summary>
public sealed class SlackAccessPolicy(SlackUserGroupDirectory groups)
{
    /// <summary>Null when allowed, else the sentence to show the user.</summary>
    public async Task<string?> CheckAsync(string userId, SlackPermission permission, ReleaseConfig config, StepSpec? currentStep, CancellationToken ct)
    {
        var (role, entries) = permission switch
        {
            SlackPermission.Deploy => ("deployers", config.Deployers),
            SlackPermission.Approve => ("approvers", Approvers(config, currentStep)),
            _ => ("deployers and approvers", [.. config.Deployers, .. Approvers(config, currentStep)]),
        };
        // Operate with both lists empty, or any role with an empty list: open to the workspace.
        if (entries.Count == 0 || (permission == SlackPermission.Operate && (config.Deployers.Count == 0))) return null;
        if (await groups.IsListedAsync(userId, entries, ct)) return null;
        return $"You are not allowed to do that. {role} of {config.Service}: {string.Join(", ", entries.Select(Show))}";
    }

    private static IReadOnlyList<string> Approvers(ReleaseConfig config, StepSpec? step) =>
        step is ApprovalStep { Approvers.Count: > 0 } a ? a.Approvers : config.Approvers.Count > 0 ? config.Approvers : config.Deployers;

    /// <summary>User IDs render as mentions; handles stay as written.</summary>
    private static string Show(string entry) => entry.Length > 1 && entry[0] is 'U' or 'W' && entry.All(char.IsAsciiLetterOrDigit) ? $"<@{entry}>" : entry;
}

using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.GitHub;

/// <summary>Pure mapping from a rollout snapshot to the check run and deployment status GitHub shows.</summary>
public static class CheckRunRenderer
{
    public const string ApproveId = "approve", RollbackId = "rollback", PauseId = "pause";

    /// <summary>Buttons while a human is awaited (approval step, or paused); none otherwise. Each identifier binds the click
    /// to the revision and step shown (<see cref="ActionId"/>); the check run's <c>external_id</c> is the rollout id.</summary>
    public static IReadOnlyList<Octokit.NewCheckRunAction> Actions(RolloutState r) => r.Phase switch
    {
        RolloutPhase.WaitingApproval =>
        [
            new("Approve", "Approve the current step", ActionId(ApproveId, r)),
            new("Rollback", "Send all traffic back to stable", ActionId(RollbackId, r)),
            new("Pause", "Hold the rollout where it is", ActionId(PauseId, r)),
        ],
        RolloutPhase.Paused when r.PausedBy == PauseCause.Analysis =>
        [
            new("Approve anyway", "Pass the step despite the analysis", ActionId(ApproveId, r)),
            new("Rollback", "Send all traffic back to stable", ActionId(RollbackId, r)),
        ],
        RolloutPhase.Paused => [new("Rollback", "Send all traffic back to stable", ActionId(RollbackId, r))],
        _ => [],
    };

    /// <summary><c>{verb}/{revision}/{step}</c>, e.g. <c>approve/2/1</c>: at most 20 characters (GitHub's limit for
    /// <c>identifier</c>) for revisions and steps up to 99999.</summary>
    public static string ActionId(string verb, RolloutState r) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{verb}/{r.Revision}/{r.StepIndex}");

    /// <summary>Reads an identifier made by <see cref="ActionId"/>; false for anything else (a bare verb from a check run
    /// rendered before buttons were bound is not bound to a step, so it is refused).</summary>
    public static bool TryParseActionId(string? identifier, out string verb, out int revision, out int stepIndex)
    {
        (verb, revision, stepIndex) = ("", 0, 0);
        var parts = identifier?.Split('/') ?? [];
        if (parts.Length != 3 || parts[0] is not (ApproveId or RollbackId or PauseId)) return false;
        if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out revision)
            || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out stepIndex)) return false;
        verb = parts[0];
        return true;
    }

    public static string CheckRunName(string service) => $"release/{service}";

    /// <summary><c>in_progress</c> while running, <c>completed</c> at the end.</summary>
    public static string Status(RolloutState r) => r.IsTerminal ? "completed" : "in_progress";

    public static string? Conclusion(RolloutState r) => r.Phase switch
    {
        RolloutPhase.Succeeded => "success",
        RolloutPhase.RolledBack or RolloutPhase.Failed => "failure",
        RolloutPhase.Aborted => "cancelled",
        _ => null,
    };

    /// <summary>The deployment status for the phase: in_progress, success, failure, or inactive (superseded/aborted).</summary>
    public static string DeploymentState(RolloutState r) => r.Phase switch
    {
        RolloutPhase.Succeeded => "success",
        RolloutPhase.RolledBack or RolloutPhase.Failed => "failure",
        RolloutPhase.Aborted => "inactive",
        _ => "in_progress",
    };

    public static string Title(RolloutState r) => r.Phase switch
    {
        RolloutPhase.WaitingApproval => $"{r.Service} {Short(r.Version)}: waiting for approval at {r.CanaryWeight}%",
        RolloutPhase.Paused => $"{r.Service} {Short(r.Version)}: paused at {r.CanaryWeight}%",
        RolloutPhase.RollingBack => $"{r.Service} {Short(r.Version)}: rolling back, canary still at {r.CanaryWeight}%",
        RolloutPhase.Succeeded => $"{r.Service} {Short(r.Version)}: released",
        RolloutPhase.RolledBack => $"{r.Service} {Short(r.Version)}: rolled back",
        RolloutPhase.Aborted => $"{r.Service} {Short(r.Version)}: aborted",
        RolloutPhase.Failed => $"{r.Service} {Short(r.Version)}: failed",
        _ => $"{r.Service} {Short(r.Version)}: {r.CanaryWeight}% canary",
    };

    /// <summary>Markdown: version, step table, weight, approvals, chat link, and the latest event.</summary>
    public static string Summary(RolloutState r, string? latest, string? chatLink, Uri? page = null)
    {
        var sb = new StringBuilder();
        sb.Append("**Version** `").Append(Md(r.Version)).Append('`');
        if (r.Source.Commit is { } c && c != r.Version) sb.Append(" (commit `").Append(Short(c)).Append("`)");
        sb.Append(" · revision ").Append(r.Revision).Append(" · started by ").Append(Md(r.StartedBy.Name)).Append("\n\n");
        sb.Append("**Phase** ").Append(r.Phase).Append(" · **Canary weight** ").Append(r.CanaryWeight).Append("%\n\n");
        sb.Append("| # | Step | State |\n|---|---|---|\n");
        for (var i = 0; i < r.Config.Steps.Count; i++)
        {
            var state = i < r.StepIndex || r.Phase == RolloutPhase.Succeeded ? "done"
                : i == r.StepIndex && !r.IsTerminal ? r.Phase switch
                {
                    RolloutPhase.WaitingApproval => "**waiting for approval**",
                    RolloutPhase.Paused => "**paused**",
                    RolloutPhase.RollingBack => "**rolling back**",
                    _ => "**running**",
                }
                : r.IsTerminal && i == r.StepIndex ? "stopped" : "";
            sb.Append("| ").Append(i + 1).Append(" | ").Append(Md(r.Config.Steps[i].Describe())).Append(" | ").Append(state).Append(" |\n");
        }
        sb.Append('\n');
        if (r.CurrentStep is ApprovalStep a && r.Phase == RolloutPhase.WaitingApproval)
        {
            var got = r.Approvals.Count(x => x.StepIndex == r.StepIndex && x.Revision == r.Revision);
            sb.Append("**Approvals** ").Append(got).Append(" of ").Append(a.Count);
        }
        else sb.Append("**Approvals** ").Append(r.Approvals.Count);
        if (r.Approvals.Count > 0) sb.Append(": ").Append(string.Join(", ", r.Approvals.Select(x => $"{Md(x.By.Name)} (step {x.StepIndex + 1})")));
        sb.Append("\n\n");
        if (r.Reason is { Length: > 0 } reason) sb.Append("**Reason** ").Append(Md(reason)).Append("\n\n");
        if (r.RollbackLatency is { } latency) sb.Append("**Rolled back in** ").Append(Durations.Latency(latency)).Append(" (command received → cluster accepted)\n\n");
        if (r.Retry is { } retry && !r.IsTerminal)
            sb.Append("**Waiting for the cluster** attempt ").Append(retry.Attempt).Append(" failed: ").Append(Md(retry.Error))
                .Append("; next attempt at ").Append(RolloutMachine.Stamp(retry.At)).Append("\n\n");
        if (r.Analysis?.Last is { } verdict)
        {
            sb.Append("**Analysis** ").Append(verdict.Outcome).Append(" at ").Append(RolloutMachine.Stamp(verdict.At)).Append(": ").Append(Md(verdict.Reason)).Append("\n\n");
            if (verdict.Metrics.Count > 0)
            {
                sb.Append("| Metric | Verdict | Canary | Stable | Threshold | Requests (canary/stable) | p |\n|---|---|---|---|---|---|---|\n");
                foreach (var m in verdict.Metrics.Take(10))
                    sb.Append(System.FormattableString.Invariant($"| {Md(m.Metric)} | {m.Verdict} | {m.Canary:0.####} | {m.Stable:0.####} | {Md(m.Threshold)} | {m.CanaryRequests}/{m.StableRequests} | {m.PValue:0.####} |\n"));
                sb.Append('\n');
            }
        }
        if (latest is { Length: > 0 }) sb.Append("**Latest** ").Append(Md(latest)).Append("\n\n");
        if (chatLink is not null) sb.Append("[Slack message](").Append(chatLink).Append(")\n\n");
        if (page is not null) sb.Append("[Rollout page](").Append(page.AbsoluteUri).Append("): traffic over time, steps, approvals and verdicts\n\n");
        if (r.Phase == RolloutPhase.WaitingApproval)
            sb.Append("Use the buttons above, or comment `/release approve` or `/release rollback` on the pull request.\n");
        var text = sb.ToString();
        return text.Length <= CheckRunLimits.MaxSummary ? text : text[..(CheckRunLimits.MaxSummary - 1)] + "…";
    }

    public static string Short(string version) => version.Length == 40 && version.All(Uri.IsHexDigit) ? version[..7] : version;

    // Keep user text from breaking the table or injecting links.
    private static string Md(string s) => s.Replace("|", "\\|").Replace("\n", " ").Replace("[", "\\[").Replace("]", "\\]");
}

using System.Globalization;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Protection;

/// <summary>
/// The rules of the GitHub deployment protection rule: gate, input and time in, the gate and the calls to make out.
/// <list type="bullet">
/// <item><b>One answer.</b> Approved when the bound rollout is promoted (or, with <see cref="DeploymentGate.ApproveAfterStep"/>,
/// has passed that step); rejected when it rolls back, is aborted or fails, or once the gate's deadline has passed. After
/// the answer nothing more is posted.</item>
/// <item><b>Status reports, coalesced.</b> A report only when what it says changed, at most <see cref="MaxReports"/> per
/// job (GitHub shows up to 10 per deployment; the answer is the tenth call), spread over the plan so a long rollout keeps
/// reports for its later steps, each at most <see cref="MaxComment"/> characters.</item>
/// </list>
/// </summary>
public static class DeploymentGateMachine
{
    /// <summary>Status reports per job; with the answer that is 10 calls, GitHub's limit of reports per deployment.</summary>
    public const int MaxReports = 9;

    /// <summary>Longest comment sent; GitHub takes at most 1,024 characters.</summary>
    public const int MaxComment = 1000;

    /// <summary>The gate for a job GitHub asks about, before any rollout is seen.</summary>
    public static DeploymentGate Request(string service, string repository, string environment, long runId, string sha,
        string? gitRef, string? trigger, ProtectionSpec spec, DateTimeOffset now) => new()
    {
        Service = service, Repository = repository, Environment = environment, RunId = runId, Sha = sha, Ref = gitRef,
        Event = trigger, RequestedAt = now, Deadline = now + spec.Deadline, ApproveAfterStep = spec.ApproveAfterStep,
    };

    public static GateDecision Decide(DeploymentGate gate, GateInput input, DateTimeOffset now)
    {
        if (gate.Answer is { } answered)
            return new(gate, [], $"run {gate.RunId} at {gate.Environment} was already {(answered.Approved ? "approved" : "rejected")}: one answer per job");
        if (now >= gate.Deadline)
        {
            var links = input is GateRolloutSeen s ? s.Links : GateLinks.None;
            return Answer(gate, false,
                $"Rejected: the deadline passed. **{gate.Service}** `{Short(gate.Sha)}` was not {Goal(gate, null)} within "
                + $"{Durations.Format(gate.Deadline - gate.RequestedAt)} of this job's request (deadline {Stamp(gate.Deadline)}). "
                + "The bot answers before GitHub fails a job that waits 30 days; start the job again to wait again.", links, now);
        }
        return input switch
        {
            GateDue => new(gate, [], $"run {gate.RunId} at {gate.Environment} waits until {Stamp(gate.Deadline)} at the latest"),
            GateWaiting w => gate.Reports > 0
                ? new(gate, [], $"run {gate.RunId} still waits for a rollout of {Short(gate.Sha)}")
                : Report(gate, $"Waiting for release-bot: **{gate.Service}** `{Short(gate.Sha)}` {w.Why}. {Terms(gate, null)}", 1),
            GateRolloutSeen seen => OnRollout(gate, seen, now),
            _ => new(gate, [], $"{input.GetType().Name} changes nothing"),
        };
    }

    private static GateDecision OnRollout(DeploymentGate gate, GateRolloutSeen seen, DateTimeOffset now)
    {
        var r = seen.Rollout;
        if (r.Service != gate.Service || !IsCommit(r, gate.Sha))
            return new(gate, [], $"{r.Id} is not a rollout of {Short(gate.Sha)}");
        gate = gate with { RolloutId = r.Id };
        var head = $"**{gate.Service}** `{Short(gate.Sha)}` ({r.Id})";
        switch (r.Phase)
        {
            case RolloutPhase.RollingBack or RolloutPhase.RolledBack or RolloutPhase.Aborted or RolloutPhase.Failed:
                var why = r.Stopping?.Text ?? r.Reason ?? r.Phase.ToString();
                var what = r.Phase switch
                {
                    RolloutPhase.Aborted => "was aborted",
                    RolloutPhase.Failed => "failed",
                    _ when r.Stopping?.To == RolloutPhase.Aborted => "is being aborted",
                    _ => "was rolled back",
                };
                return Answer(gate, false, $"Rejected: {head} {what}: {Line(why, 400)}", seen.Links, now);
            case RolloutPhase.Succeeded:
                return Answer(gate, true, $"Approved: {head} was promoted: all traffic on the new version.", seen.Links, now);
        }
        if (gate.ApproveAfterStep is { } k && r.StepIndex > k && k < r.Config.Steps.Count)
            return Answer(gate, true,
                $"Approved: {head} passed step {k + 1} of {r.Config.Steps.Count} ({r.Config.Steps[k].Describe()}); canary at {r.CanaryWeight}%.", seen.Links, now);

        var status = $"{head}: {PhaseText(r)}, canary at {r.CanaryWeight}%, step {Math.Min(r.StepIndex + 1, r.Config.Steps.Count)} of {r.Config.Steps.Count}"
                     + (r.CurrentStep is { } step ? $" ({step.Describe()})" : "") + ".";
        if (seen.Notice is { Length: > 0 } notice) status += "\n" + Line(notice, 300);
        return Report(gate, status + "\n" + Terms(gate, r), Budget(r));
    }

    /// <summary>How many reports may have been posted by the time the rollout is at its current step: one at the start,
    /// the rest spread evenly over the plan, so the last steps of a long plan still get one.</summary>
    public static int Budget(RolloutState r)
    {
        var steps = Math.Max(1, r.Config.Steps.Count);
        var done = Math.Clamp(r.StepIndex + 1, 1, steps);
        return Math.Min(MaxReports, 1 + (int)Math.Ceiling(done * (MaxReports - 1) / (double)steps));
    }

    private static GateDecision Report(DeploymentGate gate, string text, int budget)
    {
        var comment = Clip(text);
        // The last line (the terms) never changes; the rest is what the report says.
        var cut = comment.LastIndexOf('\n');
        var said = cut > 0 ? comment[..cut] : comment;
        if (said == gate.LastReport) return new(gate, [], $"run {gate.RunId}: nothing new to report");
        if (gate.Reports >= Math.Min(budget, MaxReports))
            return new(gate, [], $"run {gate.RunId}: report skipped ({gate.Reports} of {MaxReports} used; the rest are kept for later steps)");
        var next = gate with { Reports = gate.Reports + 1, LastReport = said };
        var effect = new GateEffect(GateEffectKind.Report, comment);
        return new(next with { Pending = [.. gate.Pending, effect] }, [effect], $"run {gate.RunId}: status report {next.Reports} of at most {MaxReports}");
    }

    private static GateDecision Answer(DeploymentGate gate, bool approved, string text, GateLinks links, DateTimeOffset now)
    {
        var linkLine = string.Join(" · ", new[] { ("Slack", links.ChatThread), ("Check run", links.CheckRun) }
            .Where(l => l.Item2 is { Length: > 0 }).Select(l => $"[{l.Item1}]({l.Item2})"));
        // The links go last and are never cut: the text gives way.
        var room = MaxComment - (linkLine.Length == 0 ? 0 : linkLine.Length + 2);
        var comment = Clip(text, room) + (linkLine.Length == 0 ? "" : "\n\n" + linkLine);
        var effect = new GateEffect(approved ? GateEffectKind.Approve : GateEffectKind.Reject, comment);
        var next = gate with { Answer = new GateAnswer(approved, comment, now), Pending = [.. gate.Pending, effect] };
        return new(next, [effect], $"run {gate.RunId} at {gate.Environment} {(approved ? "approved" : "rejected")}");
    }

    private static string Terms(DeploymentGate gate, RolloutState? r) =>
        $"Approves once {Goal(gate, r)}; rejects on rollback, abort or failure, and at {Stamp(gate.Deadline)}.";

    private static string Goal(DeploymentGate gate, RolloutState? r) =>
        gate.ApproveAfterStep is { } k
            ? $"past step {k + 1}" + (r is not null && k < r.Config.Steps.Count ? $" ({r.Config.Steps[k].Describe()})" : "")
            : "promoted";

    private static string PhaseText(RolloutState r) => r.Phase switch
    {
        RolloutPhase.Pending => "starting",
        RolloutPhase.WaitingApproval => $"waiting for approval ({r.Approvals.Count(a => a.StepIndex == r.StepIndex && a.Revision == r.Revision)} of {(r.CurrentStep as ApprovalStep)?.Count ?? 1})",
        RolloutPhase.Paused => "paused" + (r.Reason is { } why ? $" ({Line(why, 120)})" : ""),
        _ when r.Promoting => "promoting",
        _ when r.Waiting is not null => "waiting for its window",
        _ => "progressing",
    };

    /// <summary>The rollout is of <paramref name="sha"/>: its source commit, or its version when that is the SHA.</summary>
    public static bool IsCommit(RolloutState r, string sha) =>
        string.Equals(r.Source.Commit ?? r.Version, sha, StringComparison.OrdinalIgnoreCase);

    public static string Clip(string text, int max = MaxComment) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Line(string text, int max) => Clip(text.Replace('\n', ' ').Trim(), max);

    private static string Short(string sha) => sha.Length == 40 ? sha[..7] : sha;

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}

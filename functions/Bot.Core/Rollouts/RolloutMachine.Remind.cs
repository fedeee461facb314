using Bot.Core.Config;

namespace Bot.Core.Rollouts;

/// <summary>An approval reminder came due (the sweep, every <c>Sweep:ReminderInterval</c>). It reminds only while the
/// rollout still waits for approval at <see cref="StepIndex"/> and before the deadline (past it the step message applies
/// <c>onTimeout</c>); otherwise it changes nothing.</summary>
public sealed record RemindApprovers(string RolloutId, int StepIndex) : RolloutInput;

public static partial class RolloutMachine
{
    /// <summary>The reminder, decided like every input: a notice with the countdown and an audit record
    /// (<c>remind</c>, by the timer), or nothing when it no longer applies.</summary>
    private static Decision OnRemind(ServiceState state, RemindApprovers input, DateTimeOffset now)
    {
        if (state.Active is not { } r || r.Id != input.RolloutId || r.Phase != RolloutPhase.WaitingApproval || r.StepIndex != input.StepIndex
            || r.NextDueAt <= now)
            return new Decision(state, [], Message: $"no reminder: {input.RolloutId} no longer waits for approval at step {input.StepIndex + 1}");
        var text = ReminderText(r, now);
        return new Decision(state, [Notice(r, NoticeKind.Reminder, text), Audit(r, "remind", input.By, text, r.Phase, r.Phase, now)], Message: text);
    }

    /// <summary>"checkout-api-7 is still waiting for approval (0 of 2) at step 2/4 (approval (2, 1h timeout)), requested 18m ago; rolls back in 42m unless approved."</summary>
    public static string ReminderText(RolloutState r, DateTimeOffset now)
    {
        var step = r.CurrentStep as ApprovalStep;
        var have = r.Approvals.Count(a => a.StepIndex == r.StepIndex && a.Revision == r.Revision);
        var since = r.StepStartedAt is { } s ? $", requested {Countdown(now - s)} ago" : "";
        var head = $"{r.Id} is still waiting for approval ({have} of {step?.Count ?? 1}) at {Position(r)}{since}";
        if (r.NextDueAt is not { } deadline || step?.Timeout is null) return head + ".";
        var left = Countdown(deadline - now);
        return step.OnTimeout == TimeoutAction.Rollback
            ? $"{head}; rolls back in {left} unless approved."
            : $"{head}; times out in {left} and then holds at canary {r.CanaryWeight}% until approved or rolled back.";
    }

    /// <summary>A countdown rounded up to whole minutes ("42m", "1h5m"), so it never shows less time than is left.</summary>
    private static string Countdown(TimeSpan t)
    {
        if (t <= TimeSpan.Zero) return "0m";
        var minutes = (long)Math.Ceiling(t.TotalMinutes);
        return Durations.Format(TimeSpan.FromMinutes(minutes));
    }
}

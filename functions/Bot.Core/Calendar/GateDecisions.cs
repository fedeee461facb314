using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Core.Calendar;

/// <summary>
/// Where <see cref="RolloutMachine.Decide(ServiceState, RolloutInput, DateTimeOffset, GateContext)"/> consults the
/// gates: before a step runs, when a rollout starts, and on a promote command. Rollback, abort and pause never come
/// here, so they are never blocked.
/// </summary>
internal static class GateDecisions
{
    /// <summary>Null when the rollout's current step may run now; otherwise the decision that holds it, announcing
    /// the wait once (a re-check with the same reason only re-schedules).</summary>
    public static Decision? HoldStep(ServiceState state, RolloutState r, GateContext gates, DateTimeOffset now)
    {
        var verdict = StepGate.Check(r, gates, now);
        if (verdict.IsOpen) return null;

        var wait = new StepWait(verdict.Block, r.StepIndex, verdict.Until, verdict.Reason ?? "waiting", verdict.Slot);
        var held = r with { Waiting = wait, NextDueAt = verdict.Until, UpdatedAt = now };
        var fx = new List<Effect>();
        var announce = r.Waiting is not { } prev || prev.StepIndex != wait.StepIndex || prev.Block != wait.Block || prev.Reason != wait.Reason;
        if (announce)
        {
            fx.Add(new Notify(NoticeKind.Waiting, $"{r.Id} {RolloutMachine.Position(r)}: {wait.Reason}", held) { RolloutId = r.Id });
            fx.Add(new AuditEntry(r.Service, "wait", Actor.System, wait.Reason, r.Phase, r.Phase, now) { RolloutId = r.Id });
        }
        if (verdict.Until is { } at) fx.Add(new ScheduleStep(r.Service, r.StepIndex, at) { RolloutId = r.Id });
        return new Decision(state with { Active = held }, fx, Message: $"{r.Id}: {wait.Reason}");
    }

    /// <summary>A start during a freeze whose policy is <see cref="FreezePolicy.Reject"/>: the refusal, carrying the freeze reason.</summary>
    public static Decision? RefuseStart(ServiceState state, StartRollout start, GateContext gates, DateTimeOffset now) =>
        start.Config.Policy.OnFreeze == FreezePolicy.Reject && StepGate.StartFreeze(start.Config, gates, now) is { } freeze
            ? Decision.Refuse(state, RefusalKind.Conflict, StepGate.RefuseStartText(freeze))
            : null;

    /// <summary>A start accepted during a freeze (policy <see cref="FreezePolicy.Queue"/>): say so, with the reason,
    /// in the answer and in chat. The first gated step then waits for the freeze to lift.</summary>
    public static Decision AnnounceStart(Decision decision, StartRollout start, GateContext gates, DateTimeOffset now)
    {
        if (!decision.Accepted || decision.State.Active is not { } r || StepGate.StartFreeze(start.Config, gates, now) is not { } freeze)
            return decision;
        var text = StepGate.QueuedStartText(freeze);
        return decision with
        {
            Effects = [.. decision.Effects, new Notify(NoticeKind.Queued, $"{r.Id}: {text}", r) { RolloutId = r.Id }],
            Message = $"{decision.Message}. {text}",
        };
    }

    /// <summary>A promote command during a freeze is refused with the reason (rollback stays allowed).</summary>
    public static Decision? RefusePromote(ServiceState state, GateContext gates, DateTimeOffset now) =>
        state.Active is { } r && Freeze.ActiveFreeze(gates.Freezes, r.Service, now) is { } freeze
            ? Decision.Refuse(state, RefusalKind.Conflict, $"{freeze.Describe()}. Promote refused; rollback and pause are still allowed.")
            : null;
}

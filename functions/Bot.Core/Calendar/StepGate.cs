using System.Globalization;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Core.Calendar;

/// <summary>
/// Decides whether a step may run now. Steps that raise canary exposure (a higher weight, a header route) or promote
/// wait for an open deploy window and no freeze; any step with <c>at:</c> waits for its cron slot. Rollback, pause and
/// steps that lower exposure are never gated. Pure: time and freezes come in. Also the decisions that hold a step, refuse or
/// announce a start, and refuse a promote when a gate is closed (what <c>RolloutMachine.Decide</c> asks here).
/// </summary>
public static class StepGate
{
    /// <summary>True when running <paramref name="step"/> would expose users to more of the canary.</summary>
    public static bool RaisesExposure(RolloutState rollout, StepSpec step) => step switch
    {
        SetWeightStep s => s.Weight > rollout.CanaryWeight,
        PromoteStep => true,
        HeaderRouteStep => true,
        _ => false,
    };

    /// <summary>Checks the rollout's current step (<see cref="RolloutState.StepIndex"/>).</summary>
    public static GateVerdict Check(RolloutState rollout, GateContext context, DateTimeOffset now) =>
        rollout.CurrentStep is { } step ? Check(rollout, step, context, now) : GateVerdict.Open;

    public static GateVerdict Check(RolloutState rollout, StepSpec step, GateContext context, DateTimeOffset now)
    {
        var config = rollout.Config;
        var zone = Zone(config);
        DateTimeOffset? slot = null;
        if (step.At is { Length: > 0 } at && context.Cron is { } cron)
        {
            // The slot is fixed when the step is first reached (the first one at or after that moment) and kept in
            // the rollout's wait, so re-checking later, or waiting for a window after it, never moves it further out.
            slot = rollout.Waiting is { Slot: { } kept } w && w.StepIndex == rollout.StepIndex
                ? kept
                : cron.NextOccurrence(at, zone, now - TimeSpan.FromSeconds(1));
            if (slot is null)
                return new GateVerdict(GateBlock.Schedule, null, $"Waiting: `at: {at}` has no next occurrence; promote by hand or fix the plan.");
            if (slot > now)
                return new GateVerdict(GateBlock.Schedule, slot, $"Waiting for the scheduled slot `{at}`: {step.Describe()} runs {Local(slot.Value, zone, config)}.", Slot: slot);
        }
        if (!RaisesExposure(rollout, step)) return GateVerdict.Open;
        if (Freeze.ActiveFreeze(context.Freezes, config.Service, now) is { } freeze)
        {
            var until = freeze.Until ?? now + context.FreezeRecheck;
            return new GateVerdict(GateBlock.Freeze, until, $"Waiting: {freeze.Describe()}. {step.Describe()} runs when the freeze lifts.", freeze, slot);
        }
        if (config.Window is { } window && !window.IsOpen(now))
        {
            var open = window.NextOpen(now);
            var when = open is { } o ? $"{step.Describe()} runs {Local(o, zone, config)}" : "it never opens; fix the window or promote by hand";
            return new GateVerdict(GateBlock.Window, open, $"Waiting for the deploy window ({window.Describe()}): {when}.", Slot: slot);
        }
        return GateVerdict.Open;
    }

    /// <summary>
    /// For a start request: the freeze in force for the service, if any. With <see cref="FreezePolicy.Reject"/> the
    /// caller refuses with <see cref="Freeze.Describe"/>; with <see cref="FreezePolicy.Queue"/> it starts and the
    /// first gated step waits.
    /// </summary>
    public static Freeze? StartFreeze(ReleaseConfig config, GateContext context, DateTimeOffset now) =>
        Freeze.ActiveFreeze(context.Freezes, config.Service, now);

    /// <summary>The text a refused start carries.</summary>
    public static string RefuseStartText(Freeze freeze) =>
        $"{freeze.Describe()}. Start refused (policy onFreeze: reject); try again after the freeze.";

    /// <summary>The text a queued start carries.</summary>
    public static string QueuedStartText(Freeze freeze) =>
        $"{freeze.Describe()}. The rollout is queued: traffic moves when the freeze lifts.";

    private static TimeZoneInfo Zone(ReleaseConfig config)
    {
        try { return config.Window is { } w ? w.Zone() : TimeZoneInfo.Utc; }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.Utc; }
    }

    private static string Local(DateTimeOffset at, TimeZoneInfo zone, ReleaseConfig config)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var name = config.Window?.TimeZone ?? "UTC";
        return $"{local.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {name}";
    }


    // Where RolloutMachine.Decide consults the gates: before a step runs, when a rollout starts, and on a promote command.
    // Rollback, abort and pause never come here, so they are never blocked.
    /// <summary>Null when the rollout's current step may run now; otherwise the decision that holds it, announcing
    /// the wait once (a re-check with the same reason only re-schedules).</summary>
    internal static Decision? HoldStep(ServiceState state, RolloutState r, GateContext gates, DateTimeOffset now)
    {
        var verdict = Check(r, gates, now);
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
    internal static Decision? RefuseStart(ServiceState state, StartRollout start, GateContext gates, DateTimeOffset now) =>
        start.Config.Policy.OnFreeze == FreezePolicy.Reject && StartFreeze(start.Config, gates, now) is { } freeze
            ? Decision.Refuse(state, RefusalKind.Conflict, RefuseStartText(freeze))
            : null;

    /// <summary>A start accepted during a freeze (policy <see cref="FreezePolicy.Queue"/>): say so, with the reason,
    /// in the answer and in chat. The first gated step then waits for the freeze to lift.</summary>
    internal static Decision AnnounceStart(Decision decision, StartRollout start, GateContext gates, DateTimeOffset now)
    {
        if (!decision.Accepted || decision.State.Active is not { } r || StartFreeze(start.Config, gates, now) is not { } freeze)
            return decision;
        var text = QueuedStartText(freeze);
        return decision with
        {
            Effects = [.. decision.Effects, new Notify(NoticeKind.Queued, $"{r.Id}: {text}", r) { RolloutId = r.Id }],
            Message = $"{decision.Message}. {text}",
        };
    }

    /// <summary>A promote command during a freeze is refused with the reason (rollback stays allowed).</summary>
    internal static Decision? RefusePromote(ServiceState state, GateContext gates, DateTimeOffset now) =>
        state.Active is { } r && Freeze.ActiveFreeze(gates.Freezes, r.Service, now) is { } freeze
            ? Decision.Refuse(state, RefusalKind.Conflict, $"{freeze.Describe()}. Promote refused; rollback and pause are still allowed.")
            : null;
}

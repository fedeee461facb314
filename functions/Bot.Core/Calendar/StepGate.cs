using System.Globalization;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Core.Calendar;

/// <summary>
/// Decides whether a step may run now. Steps that raise canary exposure (a higher weight, a header route) or promote
/// wait for an open deploy window and no freeze; any step with <c>at:</c> waits for its cron slot. Rollback, pause and
/// steps that lower exposure are never gated. Pure: time and freezes come in.
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
}

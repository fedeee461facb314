using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Sweep;

/// <summary>The timer: <see cref="SweepFunction"/> on the NCRONTAB schedule in the app setting <c>Sweep:Schedule</c>
/// (<c>Sweep__Schedule</c>; <c>*/30 * * * * *</c> in local.settings.sample.json, the infra and the standalone host's defaults).</summary>
public sealed class SweepTrigger(SweepFunction sweep)
{
    public const string Name = "Sweep";

    /// <summary>The app setting holding the schedule.</summary>
    public const string ScheduleSetting = "Sweep:Schedule";

    /// <summary>The schedule when the setting is unset (standalone host only; the Functions host needs the setting).</summary>
    public const string DefaultSchedule = "*/30 * * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken ct) => sweep.RunAsync(ct);
}

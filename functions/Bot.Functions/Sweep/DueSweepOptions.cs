namespace Bot.Functions.Sweep;

/// <summary>What the timer (<c>Sweep</c> function) does with due work. Bound from the <c>Sweep</c> configuration section;
/// the timer's own schedule is in <c>functions/Sweep/function.json</c> (NCRONTAB, every 30 s by default).</summary>
public sealed class DueSweepOptions
{
    public const string Section = "Sweep";

    /// <summary>How long past its due time a step message may be before the sweep enqueues it again (it may only be
    /// waiting for the queue listener's next poll). The default value is 2 minutes.</summary>
    public TimeSpan OverdueGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Interval between reminders for a pending approval; zero turns reminders off. The default value is 30 minutes.</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most due rows one sweep handles; the rest wait for the next tick. The default value is 5000.</summary>
    public int MaxItems { get; set; } = 5000;

    /// <summary>Services handled at the same time. The default value is 16.</summary>
    public int Parallelism { get; set; } = 16;

    /// <summary>How often this process re-reads the freeze table for the gates (freezes set through this process
    /// apply at once). The default value is 10 seconds.</summary>
    public TimeSpan FreezeRefresh { get; set; } = TimeSpan.FromSeconds(10);
}

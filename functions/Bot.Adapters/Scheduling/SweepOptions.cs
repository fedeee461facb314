namespace Bot.Adapters.Scheduling;

/// <summary>The timer's work. Bound from the <c>Sweep</c> configuration section.</summary>
public sealed class SweepOptions
{
    /// <summary>How long past its due time a step message may be before the sweep enqueues it again (it may just be
    /// waiting for the queue listener's next poll). The default value is 2 minutes.</summary>
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Interval between reminders for a pending approval; zero turns reminders off. The default value is 30 minutes.</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most due rows one sweep handles; the rest wait for the next tick. The default value is 5000.</summary>
    public int MaxItems { get; set; } = 5000;

    /// <summary>Services handled at the same time. The default value is 16.</summary>
    public int Parallelism { get; set; } = 16;

    /// <summary>How often the process re-reads the freeze table for the gates (freezes set through this process apply
    /// at once). The default value is 10 seconds.</summary>
    public TimeSpan FreezeRefresh { get; set; } = TimeSpan.FromSeconds(10);
}

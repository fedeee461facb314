namespace Bot.Functions.Sweep;

/// <summary>The reconciliation timer. Section <c>Sweep</c>.</summary>
public sealed class SweepOptions
{
    public const string Section = "Sweep";

    /// <summary>How late a rollout's next step may be before the sweep runs it itself (its queue message was lost or is
    /// stuck). Keeps the sweep from racing messages that are merely being processed. The default value is 2 minutes.</summary>
    public TimeSpan OverdueGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Interval between reminders for a pending approval; zero turns reminders off. The default value is 30 minutes.</summary>
    public TimeSpan ReminderInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most due rows one sweep handles; the rest wait for the next tick. The default value is 5000.</summary>
    public int MaxItems { get; set; } = 5000;

    /// <summary>Services handled at the same time by one sweep. The default value is 16.</summary>
    public int Parallelism { get; set; } = 16;

    /// <summary>How often this process re-reads the freeze table for the gates (freezes set through this process
    /// apply at once). The default value is 10 seconds.</summary>
    public TimeSpan FreezeRefresh { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the sweep looks for orphaned canary traffic (routes with the bot's weights annotation and
    /// canary traffic, but no rollout): one read of each configured service's VirtualService per scan. Zero scans on
    /// every sweep. The default value is 5 minutes.</summary>
    public TimeSpan OrphanScanInterval { get; set; } = TimeSpan.FromMinutes(5);
}

namespace Bot.Functions.Steps;

/// <summary>The reconciliation timer. Section <c>Sweep</c>.</summary>
public sealed class SweepOptions
{
    public const string Section = "Sweep";

    /// <summary>How late a rollout's next step may be before the sweep runs it itself (its queue message was lost or is
    /// stuck). Keeps the sweep from racing messages that are merely being processed. The default value is 2 minutes.</summary>
    public TimeSpan OverdueGrace { get; set; } = TimeSpan.FromMinutes(2);
}

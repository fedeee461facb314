using Bot.Core.Freezes;

namespace Bot.Core.Calendar;

/// <summary>The answer of <see cref="StepGate.Check"/>: open, or wait until <see cref="Until"/> for <see cref="Reason"/>.</summary>
/// <param name="Until">When to look again (freeze end, window opening, cron slot); null for a window that never opens.</param>
/// <param name="Reason">Human text for chat and the check run.</param>
/// <param name="Slot">The step's cron slot, when it has <c>at:</c>; keep it in <see cref="StepWait.Slot"/>.</param>
public sealed record GateVerdict(GateBlock Block, DateTimeOffset? Until, string? Reason, Freeze? Freeze = null, DateTimeOffset? Slot = null)
{
    public static readonly GateVerdict Open = new(GateBlock.None, null, null);

    public bool IsOpen => Block == GateBlock.None;
}

using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>What a traffic write did. <see cref="LiveSequence"/> is the route's sequence after the call.</summary>
public sealed record TrafficWriteResult(TrafficWriteOutcome Outcome, long LiveSequence, string? Message = null)
{
    public bool IsStale => Outcome == TrafficWriteOutcome.Stale;
}

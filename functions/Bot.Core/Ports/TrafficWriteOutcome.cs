using Bot.Core.Config;

namespace Bot.Core.Ports;

public enum TrafficWriteOutcome
{
    /// <summary>The route was written (weights, routes or just the sequence).</summary>
    Applied,
    /// <summary>Nothing to write: the route already is as asked, with this sequence (a re-applied effect).</summary>
    Unchanged,
    /// <summary>Dropped: the route carries a newer write (<see cref="TrafficWriteResult.LiveSequence"/>) than this one. Nothing was written.</summary>
    Stale,
}

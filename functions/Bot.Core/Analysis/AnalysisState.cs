namespace Bot.Core.Analysis;

/// <summary>A rollout's analysis so far (kept in <see cref="Rollouts.RolloutState.Analysis"/>): the measurement loop's round and
/// next due time, the consecutive counters the graded response keeps, the passes in the current step, and the last verdict with
/// its evidence.</summary>
public sealed record AnalysisState
{
    /// <summary>The round of the next (or in-flight) measurement; a due message or a measurement of another round is stale.</summary>
    public int Round { get; init; }

    /// <summary>When the next measurement is due; null while the loop is stopped (paused, promoting, rolling back).</summary>
    public DateTimeOffset? NextAt { get; init; }

    /// <summary>The last round whose measurement was judged (a repeated answer for it changes nothing).</summary>
    public int Judged { get; init; }

    public AnalysisCounters Counters { get; init; } = AnalysisCounters.None;

    /// <summary>The step <see cref="Passes"/> counts for.</summary>
    public int StepIndex { get; init; }

    /// <summary>Passing intervals in step <see cref="StepIndex"/>.</summary>
    public int Passes { get; init; }

    /// <summary>A person chose "approve anyway" for step <see cref="StepIndex"/>: its analysis gate is lifted.</summary>
    public bool Overridden { get; init; }

    public AnalysisVerdict? Last { get; init; }
}

/// <summary>One interval's outcome as kept and shown: when, <c>pass</c> | <c>fail</c> | <c>noVerdict</c> | <c>error</c>, what the bot
/// did, why, and each metric's evidence (query, values, threshold, sample sizes, p-value, decision).</summary>
public sealed record AnalysisVerdict(DateTimeOffset At, string Outcome, AnalysisAction Action, string Reason, IReadOnlyList<MetricEvidence> Metrics)
{
    public const string Pass = "pass", Fail = "fail", NoVerdict = "noVerdict", Error = "error";

    public bool Passed => Outcome == Pass;
}

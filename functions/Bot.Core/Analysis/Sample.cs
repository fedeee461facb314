namespace Bot.Core.Analysis;

/// <summary>What the metrics source said about one side (canary or stable) over one interval.</summary>
public sealed record Sample
{
    /// <summary>Requests the side served in the interval.</summary>
    public long Requests { get; init; }

    /// <summary>Error-rate metrics: how many of <see cref="Requests"/> failed.</summary>
    public long? Errors { get; init; }

    /// <summary>The metric over the whole interval (a latency quantile); for error rates, <see cref="Errors"/> / <see cref="Requests"/>
    /// when not given. Null: the source had no data.</summary>
    public double? Value { get; init; }

    /// <summary>Latency metrics: the value per step within the interval, for the rank test against stable.</summary>
    public IReadOnlyList<double> Series { get; init; } = [];

    /// <summary>The value the thresholds are checked against, or null without data.</summary>
    public double? Observed => Value ?? (Errors is { } e && Requests > 0 ? (double)e / Requests : null);
}

/// <summary>One metric's samples for one interval, and the query that produced them (kept as evidence).</summary>
public sealed record MetricObservation(MetricRule Rule, string Query, Sample Canary, Sample? Stable);

namespace Bot.Core.Analysis;

/// <summary>How a metric's samples are compared.</summary>
public enum MetricKind
{
    /// <summary>A share of failed requests (0–1), from counts: absolute limit on the canary's rate, and a limit relative to
    /// stable's rate in points (two-proportion test).</summary>
    ErrorRate,

    /// <summary>A latency (ms): absolute limit on the canary's value over the interval, and a limit relative to stable as a
    /// ratio of medians of the per-step series (Mann-Whitney U).</summary>
    Latency,

    /// <summary>Any number a custom query gives: absolute limits on the canary's value.</summary>
    Value,
}

/// <summary>One metric of a service's analysis and what passes. At least one of <see cref="Max"/>, <see cref="Min"/>,
/// <see cref="MaxAboveStable"/> and <see cref="MaxRatioToStable"/> is set (validation says so).</summary>
public sealed record MetricRule
{
    public required string Name { get; init; }
    public MetricKind Kind { get; init; }

    /// <summary>The canary's value must not exceed this (error rate 0.01: 99% success; latency in ms).</summary>
    public double? Max { get; init; }

    /// <summary>The canary's value must not fall below this (custom metrics, e.g. a throughput).</summary>
    public double? Min { get; init; }

    /// <summary>Error rates: the canary's rate must not exceed stable's by more than this (0.01: one point).</summary>
    public double? MaxAboveStable { get; init; }

    /// <summary>Latency: the canary's median must not exceed stable's times this (1.2: 20% slower).</summary>
    public double? MaxRatioToStable { get; init; }

    /// <summary>Fewer canary requests than this in an interval is no verdict, never a pass or a fail.</summary>
    public long MinRequests { get; init; }

    /// <summary>A failure of a critical metric rolls back at once; others after the policy's failure limit.</summary>
    public bool Critical { get; init; }
}

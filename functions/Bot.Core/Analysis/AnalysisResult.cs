using System.Globalization;

namespace Bot.Core.Analysis;

public enum Verdict { Pass, Fail, NoVerdict }

/// <summary>Why one metric passed, failed or gave no verdict: the query, the values on both sides, the threshold, the sample
/// sizes, the test's p-value where one ran, and the decision in words.</summary>
public sealed record MetricEvidence(
    string Metric,
    string Query,
    Verdict Verdict,
    bool Critical,
    double? Canary,
    double? Stable,
    string Threshold,
    long CanaryRequests,
    long? StableRequests,
    double? PValue,
    string Decision);

/// <summary>The judge's answer for one interval: every metric's evidence and the verdict they add up to.</summary>
public sealed record AnalysisResult(Verdict Verdict, IReadOnlyList<MetricEvidence> Metrics)
{
    /// <summary>A critical metric failed: roll back at once.</summary>
    public bool CriticalFailure => Metrics.Any(m => m.Critical && m.Verdict == Verdict.Fail);

    /// <summary>One line per metric, failures first: what a person reads in chat, the check run and the audit.</summary>
    public string Summary => string.Join("\n", Metrics
        .OrderBy(m => m.Verdict switch { Verdict.Fail => 0, Verdict.NoVerdict => 1, _ => 2 })
        .Select(m => string.Create(CultureInfo.InvariantCulture, $"{Mark(m.Verdict)} {m.Metric}{(m.Critical ? " (critical)" : "")}: {m.Decision}")));

    private static string Mark(Verdict v) => v switch { Verdict.Pass => "pass", Verdict.Fail => "FAIL", _ => "no verdict" };
}

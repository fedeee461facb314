using System.Globalization;

namespace Bot.Core.Analysis;

/// <summary>
/// Turns one interval's canary and stable samples into pass, fail or no verdict, with the evidence (pure). Per metric:
/// <list type="number">
/// <item>fewer canary requests than <see cref="MetricRule.MinRequests"/>, or no data: no verdict, never a pass or a fail;</item>
/// <item>the canary's value above <see cref="MetricRule.Max"/>: fail;</item>
/// <item>relative to stable (when set): error rates fail when the canary's rate exceeds stable's by more than
/// <see cref="MetricRule.MaxAboveStable"/> with the given confidence (two-proportion test); latency fails when the canary's
/// series is larger by rank (Mann-Whitney U) with that confidence <i>and</i> its median exceeds stable's times
/// <see cref="MetricRule.MaxRatioToStable"/> (an effect size, so a significant but tiny difference passes). Stable without
/// enough data: no verdict;</item>
/// <item>otherwise pass.</item>
/// </list>
/// The interval fails when any metric fails, gives no verdict when any gives none, and passes otherwise.
/// </summary>
public static class CanaryJudge
{
    /// <summary>98%, as Kayenta's default: a relative failure needs p below 0.02.</summary>
    public const double DefaultConfidence = 0.98;

    /// <summary>Fewest values per side for the rank test; below it the relative check gives no verdict.</summary>
    public const int MinSeries = 3;

    public static AnalysisResult Judge(IReadOnlyList<MetricObservation> observations, TimeSpan interval, double confidence = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (confidence is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(confidence), "between 0 and 1, e.g. 0.98");
        var metrics = observations.Select(o => JudgeOne(o, interval, 1 - confidence)).ToList();
        var verdict = metrics.Count == 0 ? Verdict.NoVerdict
            : metrics.Any(m => m.Verdict == Verdict.Fail) ? Verdict.Fail
            : metrics.Any(m => m.Verdict == Verdict.NoVerdict) ? Verdict.NoVerdict
            : Verdict.Pass;
        return new AnalysisResult(verdict, metrics);
    }

    private static MetricEvidence JudgeOne(MetricObservation o, TimeSpan interval, double alpha)
    {
        var rule = o.Rule;
        var threshold = Threshold(rule);
        var canary = o.Canary.Observed;
        var stable = o.Stable?.Observed;
        MetricEvidence Evidence(Verdict v, string decision, double? p = null) =>
            new(rule.Name, o.Query, v, rule.Critical, canary, stable, threshold, o.Canary.Requests, o.Stable?.Requests, p, decision);

        if (o.Canary.Requests < rule.MinRequests)
            return Evidence(Verdict.NoVerdict, $"{o.Canary.Requests} of {rule.MinRequests} requests in {Durations(interval)}: too little traffic to judge");
        if (canary is not { } c || double.IsNaN(c))
            return Evidence(Verdict.NoVerdict, $"no data for the canary in {Durations(interval)}");

        if (rule.Max is { } max && c > max)
            return Evidence(Verdict.Fail, $"canary {Format(rule, c)} is above the limit {Format(rule, max)}");

        if (rule.Min is { } min && c < min)
            return Evidence(Verdict.Fail, $"canary {Format(rule, c)} is below the minimum {Format(rule, min)}");

        if (rule.MaxAboveStable is null && rule.MaxRatioToStable is null)
            return Evidence(Verdict.Pass, $"canary {Format(rule, c)} is within {threshold}");

        if (o.Stable is not { } s || s.Requests < rule.MinRequests || stable is not { } st || double.IsNaN(st))
            return Evidence(Verdict.NoVerdict,
                $"{o.Stable?.Requests ?? 0} of {rule.MinRequests} stable requests in {Durations(interval)}: nothing to compare the canary with");

        return rule.Kind == MetricKind.ErrorRate ? Rate(o, s, c, st, alpha, Evidence) : Latency(o, s, alpha, Evidence);
    }

    private static MetricEvidence Rate(MetricObservation o, Sample stable, double c, double st, double alpha,
        Func<Verdict, string, double?, MetricEvidence> evidence)
    {
        var rule = o.Rule;
        var margin = rule.MaxAboveStable ?? 0;
        if (o.Canary.Errors is not { } ce || stable.Errors is not { } se)
            return evidence(Verdict.NoVerdict, "error counts missing: the relative check needs failed and total requests on both sides", null);
        var test = Statistics.ProportionGreater(ce, o.Canary.Requests, se, stable.Requests, margin);
        var gap = string.Create(CultureInfo.InvariantCulture, $"canary {Format(rule, c)} vs stable {Format(rule, st)} (limit stable + {margin * 100:0.##} points)");
        return test.PValue < alpha
            ? evidence(Verdict.Fail, $"{gap}: worse with p = {P(test.PValue)} < {P(alpha)}", test.PValue)
            : evidence(Verdict.Pass, $"{gap}: not worse beyond the margin (p = {P(test.PValue)})", test.PValue);
    }

    private static MetricEvidence Latency(MetricObservation o, Sample stable, double alpha, Func<Verdict, string, double?, MetricEvidence> evidence)
    {
        var rule = o.Rule;
        var ratio = rule.MaxRatioToStable ?? 1;
        if (o.Canary.Series.Count < MinSeries || stable.Series.Count < MinSeries)
            return evidence(Verdict.NoVerdict, $"{o.Canary.Series.Count} canary and {stable.Series.Count} stable points: the rank test needs {MinSeries} on each side", null);
        var test = Statistics.MannWhitneyGreater(o.Canary.Series, stable.Series);
        double mc = Statistics.Median(o.Canary.Series), ms = Statistics.Median(stable.Series);
        var effect = ms > 0 ? mc / ms : double.PositiveInfinity;
        var gap = string.Create(CultureInfo.InvariantCulture,
            $"canary median {Format(rule, mc)} vs stable {Format(rule, ms)} ({effect:0.00}x, limit {ratio:0.##}x), {o.Canary.Series.Count} vs {stable.Series.Count} points");
        if (test.PValue < alpha && effect > ratio)
            return evidence(Verdict.Fail, $"{gap}: slower with p = {P(test.PValue)} < {P(alpha)} (Mann-Whitney U = {test.Statistic:0.#})", test.PValue);
        var why = test.PValue < alpha ? "slower, but within the ratio" : "not slower by rank";
        return evidence(Verdict.Pass, $"{gap}: {why} (p = {P(test.PValue)}, U = {test.Statistic:0.#})", test.PValue);
    }

    private static string Threshold(MetricRule r)
    {
        var parts = new List<string>();
        if (r.Max is { } max) parts.Add($"<= {Format(r, max)}");
        if (r.Min is { } min) parts.Add($">= {Format(r, min)}");
        if (r.MaxAboveStable is { } above) parts.Add(string.Create(CultureInfo.InvariantCulture, $"<= stable + {above * 100:0.##} points"));
        if (r.MaxRatioToStable is { } ratio) parts.Add(string.Create(CultureInfo.InvariantCulture, $"<= {ratio:0.##}x stable"));
        if (r.MinRequests > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"at least {r.MinRequests} requests"));
        return string.Join(", ", parts);
    }

    private static string Format(MetricRule r, double v) => r.Kind switch
    {
        MetricKind.ErrorRate => string.Create(CultureInfo.InvariantCulture, $"{v * 100:0.##}%"),
        MetricKind.Latency => string.Create(CultureInfo.InvariantCulture, $"{v:0.#} ms"),
        _ => v.ToString("0.####", CultureInfo.InvariantCulture),
    };

    private static string P(double p) => p < 0.0001 ? "<0.0001" : p.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Durations(TimeSpan t) => Config.Durations.Format(t);
}

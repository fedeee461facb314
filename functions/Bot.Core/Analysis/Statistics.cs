namespace Bot.Core.Analysis;

/// <summary>The two tests the judge uses, BCL only: Mann-Whitney U (rank sum, as Kayenta compares canary with baseline) for
/// latency series, and a two-proportion z-test for error rates. Both one-sided ("is the canary worse?") with the normal
/// approximation, which is what both tests use at the sample sizes an interval gives.</summary>
public static class Statistics
{
    /// <summary>The result of a one-sided test: the statistic and the probability of a value at least this extreme under the
    /// null hypothesis (the canary is no worse).</summary>
    public readonly record struct TestResult(double Statistic, double Z, double PValue);

    /// <summary>Mann-Whitney U of <paramref name="canary"/> against <paramref name="stable"/>, H1: canary values are larger.
    /// U counts the (canary, stable) pairs where the canary is larger (ties count one half). Normal approximation with the tie
    /// correction and a continuity correction of one half; when every value is tied, p is 1 (no evidence either way).</summary>
    public static TestResult MannWhitneyGreater(IReadOnlyList<double> canary, IReadOnlyList<double> stable)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(stable);
        if (canary.Count == 0 || stable.Count == 0) throw new ArgumentException("both samples need at least one value");
        double n1 = canary.Count, n2 = stable.Count, n = n1 + n2;
        var ranks = AverageRanks([.. canary, .. stable], out var tieTerm);
        var r1 = 0.0;
        for (var i = 0; i < canary.Count; i++) r1 += ranks[i];
        var u = r1 - n1 * (n1 + 1) / 2;
        var mean = n1 * n2 / 2;
        var variance = n1 * n2 / 12 * (n + 1 - tieTerm / (n * (n - 1)));
        if (variance <= 0) return new TestResult(u, 0, 1);
        var z = (u - mean - 0.5) / Math.Sqrt(variance);
        return new TestResult(u, z, UpperTail(z));
    }

    /// <summary>Two-proportion z-test, H1: the canary's proportion exceeds the stable one's by more than <paramref name="margin"/>
    /// (0.01: one point). Unpooled standard error, as for a non-zero margin. With no variance at all (both proportions 0 or 1),
    /// the difference is certain: p is 0 when it exceeds the margin, else 1.</summary>
    public static TestResult ProportionGreater(long canaryHits, long canaryTotal, long stableHits, long stableTotal, double margin)
    {
        if (canaryTotal <= 0 || stableTotal <= 0) throw new ArgumentException("both samples need at least one request");
        double pc = (double)canaryHits / canaryTotal, ps = (double)stableHits / stableTotal;
        var diff = pc - ps - margin;
        var se = Math.Sqrt(pc * (1 - pc) / canaryTotal + ps * (1 - ps) / stableTotal);
        if (se == 0) return new TestResult(pc - ps, diff > 0 ? double.PositiveInfinity : double.NegativeInfinity, diff > 0 ? 0 : 1);
        var z = diff / se;
        return new TestResult(pc - ps, z, UpperTail(z));
    }

    /// <summary>P(Z ≥ z) for a standard normal Z, from the complementary error function.</summary>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>The median (mean of the middle two for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values");
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>1-based ranks, tied values sharing the mean of their ranks; <paramref name="tieTerm"/> is Σ(t³ − t) over tie groups.</summary>
    internal static double[] AverageRanks(double[] values, out double tieTerm)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        tieTerm = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++) ranks[order[k]] = rank;
            double t = end - start + 1;
            tieTerm += t * t * t - t;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>erfc(x) by the Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2e-7 everywhere.</summary>
    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}

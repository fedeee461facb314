using Bot.Core.Analysis;

namespace Bot.Core.Tests.Analysis;

public sealed class CanaryJudgeTests
{
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    private static readonly MetricRule SuccessRate = new()
    {
        Name = "successRate", Kind = MetricKind.ErrorRate, Max = 0.01, MaxAboveStable = 0.01, MinRequests = 500, Critical = true,
    };

    private static readonly MetricRule LatencyP99 = new()
    {
        Name = "latencyP99", Kind = MetricKind.Latency, Max = 500, MaxRatioToStable = 1.2, MinRequests = 500,
    };

    private static MetricObservation Rate(long canaryErrors, long canaryRequests, long stableErrors, long stableRequests) =>
        new(SuccessRate, "sum(rate(istio_requests_total{...}[10m]))",
            new Sample { Requests = canaryRequests, Errors = canaryErrors }, new Sample { Requests = stableRequests, Errors = stableErrors });

    private static MetricObservation Latency(double[] canary, double[] stable) =>
        new(LatencyP99, "histogram_quantile(0.99, ...)",
            new Sample { Requests = 1000, Value = canary.Max(), Series = canary }, new Sample { Requests = 9000, Value = stable.Max(), Series = stable });

    [Fact]
    public void HealthyCanary_Passes()
    {
        var r = CanaryJudge.Judge([Rate(5, 1000, 40, 9000), Latency([200, 204, 198, 210, 202], [201, 199, 205, 203, 200])], TenMinutes);
        Assert.Equal(Verdict.Pass, r.Verdict);
        Assert.All(r.Metrics, m => Assert.Equal(Verdict.Pass, m.Verdict));
    }

    [Fact]
    public void ErrorSpike_FailsTheCriticalMetric_WithItsNumbers()
    {
        var r = CanaryJudge.Judge([Rate(80, 1000, 9, 9000)], TenMinutes);

        Assert.Equal(Verdict.Fail, r.Verdict);
        Assert.True(r.CriticalFailure);
        var m = Assert.Single(r.Metrics);
        Assert.Equal(0.08, m.Canary);
        Assert.Equal(0.001, m.Stable);
        Assert.Equal(1000, m.CanaryRequests);
        Assert.Equal(9000, m.StableRequests);
        Assert.Contains("canary 8% is above the limit 1%", m.Decision, StringComparison.Ordinal);
        Assert.Contains("<= 1%", m.Threshold, StringComparison.Ordinal);
        Assert.Contains("FAIL successRate (critical)", r.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void RelativeToStable_ThreePercentAgainstOne_FailsOnlyWithEnoughRequests()
    {
        var loose = SuccessRate with { Max = null };
        MetricObservation At(long n) => new(loose, "q", new Sample { Requests = n, Errors = 3 * n / 100 }, new Sample { Requests = n, Errors = n / 100 });

        var few = Assert.Single(CanaryJudge.Judge([At(1000)], TenMinutes).Metrics);
        Assert.Equal(Verdict.Pass, few.Verdict);
        Assert.Equal(0.0547, few.PValue!.Value, 4);
        var many = Assert.Single(CanaryJudge.Judge([At(10000)], TenMinutes).Metrics);
        Assert.Equal(Verdict.Fail, many.Verdict);
        Assert.Contains("canary 3% vs stable 1% (limit stable + 1 points): worse with p = <0.0001 < 0.02", many.Decision, StringComparison.Ordinal);
    }

    [Fact]
    public void LatencyRegression_AgainstStable_IsCaughtWhereTheAbsoluteLimitPasses()
    {
        // Canary p99 peaks at 340 ms, well under 500 ms; but every canary point is above every stable one (U = 25, p = 0.0061)
        // and the medians are 320 vs 210 ms (1.52x > 1.2x).
        var absoluteOnly = LatencyP99 with { MaxRatioToStable = null };
        double[] canary = [300, 310, 320, 330, 340], stable = [200, 205, 210, 215, 220];
        Assert.Equal(Verdict.Pass, CanaryJudge.Judge([Latency(canary, stable) with { Rule = absoluteOnly }], TenMinutes).Verdict);

        var m = Assert.Single(CanaryJudge.Judge([Latency(canary, stable)], TenMinutes).Metrics);
        Assert.Equal(Verdict.Fail, m.Verdict);
        Assert.Equal(0.006093, m.PValue!.Value, 6);
        Assert.Contains("canary median 320 ms vs stable 210 ms (1.52x, limit 1.2x), 5 vs 5 points: slower with p = 0.0061 < 0.02 (Mann-Whitney U = 25)",
            m.Decision, StringComparison.Ordinal);
    }

    [Fact]
    public void SignificantButSmallSlowdown_PassesOnTheEffectSize()
    {
        var m = Assert.Single(CanaryJudge.Judge([Latency([211, 212, 213, 214, 215], [200, 201, 202, 203, 204])], TenMinutes).Metrics);
        Assert.Equal(Verdict.Pass, m.Verdict);
        Assert.Contains("slower, but within the ratio", m.Decision, StringComparison.Ordinal);
    }

    [Fact]
    public void LowTraffic_IsNoVerdict_NeverAFailure()
    {
        // 37 requests, 20 of them errors: far above any limit, but too few to judge.
        var r = CanaryJudge.Judge([Rate(20, 37, 1, 9000)], TenMinutes);
        Assert.Equal(Verdict.NoVerdict, r.Verdict);
        Assert.False(r.CriticalFailure);
        Assert.Equal("37 of 500 requests in 10m: too little traffic to judge", r.Metrics[0].Decision);
    }

    [Fact]
    public void StableWithoutTraffic_GivesNoRelativeVerdict_ButTheAbsoluteLimitStillFails()
    {
        var quiet = new Sample { Requests = 12, Errors = 0 };
        Assert.Equal(Verdict.NoVerdict, CanaryJudge.Judge([Rate(2, 1000, 0, 12) with { Stable = quiet }], TenMinutes).Verdict);
        Assert.Equal(Verdict.Fail, CanaryJudge.Judge([Rate(90, 1000, 0, 12) with { Stable = quiet }], TenMinutes).Verdict);
    }

    [Fact]
    public void OneFailure_FailsTheInterval_AndNoVerdictBeatsPass()
    {
        var pass = Latency([200, 201, 202], [200, 201, 202]);
        Assert.Equal(Verdict.Fail, CanaryJudge.Judge([pass, Rate(80, 1000, 9, 9000)], TenMinutes).Verdict);
        Assert.Equal(Verdict.NoVerdict, CanaryJudge.Judge([pass, Rate(1, 37, 9, 9000)], TenMinutes).Verdict);
        Assert.Equal(Verdict.NoVerdict, CanaryJudge.Judge([], TenMinutes).Verdict);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Confidence_OutsideZeroToOne_IsRefused(double confidence) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CanaryJudge.Judge([], TenMinutes, confidence));
}

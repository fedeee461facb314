using Bot.Core.Analysis;

namespace Bot.Core.Tests.Analysis;

/// <summary>Answers computed by hand (and the same as R's <c>wilcox.test(..., alternative = "greater", exact = FALSE,
/// correct = TRUE)</c> for the rank test).</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1.959964, 0.025)]
    [InlineData(3, 0.0013499)]
    [InlineData(-1.644854, 0.95)]
    public void UpperTail_KnownQuantiles(double z, double p) => Assert.Equal(p, Statistics.UpperTail(z), 6);

    [Fact]
    public void MannWhitney_CanaryAllLarger_UIs25AndPIsOneSided()
    {
        // 5 × 5 pairs, the canary larger in all: U = 25; mean 12.5; sd = sqrt(25·11/12) = 4.7871;
        // z = (25 − 12.5 − 0.5) / 4.7871 = 2.5067; p = P(Z ≥ 2.5067) = 0.006093.
        var r = Statistics.MannWhitneyGreater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
        Assert.Equal(25, r.Statistic);
        Assert.Equal(2.5067, r.Z, 4);
        Assert.Equal(0.006093, r.PValue, 6);
    }

    [Fact]
    public void MannWhitney_Ties_UseAverageRanksAndTheTieCorrection()
    {
        // Sorted: 1s 2s 3c 3s 3s 4c 4c 5c. Ranks: the three 3s share 4, the two 4s share 6.5. Canary ranks 4 + 6.5 + 6.5 + 8 = 25,
        // U = 25 − 4·5/2 = 15 (pairs: 3 beats 1 and 2 and ties two 3s: 3; each 4 beats all four: 8; 5: 4). Ties Σ(t³−t) = 24 + 6 = 30;
        // var = 16/12 · (9 − 30/56) = 11.2857; z = (15 − 8 − 0.5) / 3.3594 = 1.9349; p = 0.026504.
        var r = Statistics.MannWhitneyGreater([3, 4, 4, 5], [1, 2, 3, 3]);
        Assert.Equal(15, r.Statistic);
        Assert.Equal(1.9349, r.Z, 4);
        Assert.Equal(0.026504, r.PValue, 6);
    }

    [Fact]
    public void MannWhitney_SameValues_NoEvidence()
    {
        // Identical samples: U = 4.5 = the mean; continuity pushes z below 0: z = −0.5 / sqrt(0.75 · (7 − 18/30)) = −0.2282, p = 0.5903.
        Assert.Equal(0.59026, Statistics.MannWhitneyGreater([1, 2, 3], [1, 2, 3]).PValue, 5);
        // Every value tied: no variance at all.
        Assert.Equal(1, Statistics.MannWhitneyGreater([5, 5, 5], [5, 5]).PValue);
    }

    [Fact]
    public void Proportions_MarginOfOnePoint_NeedsEnoughRequests()
    {
        // 3% vs 1% with a 1-point margin: the excess is 1 point. se = sqrt(.03·.97/n + .01·.99/n).
        // n = 1000: se = 0.006245, z = 1.6013, p = 0.05466 (not convincing). n = 10000: se = 0.0019748, z = 5.0637, p = 2.06e-7.
        var few = Statistics.ProportionGreater(30, 1000, 10, 1000, 0.01);
        Assert.Equal(1.6013, few.Z, 4);
        Assert.Equal(0.054657, few.PValue, 6);
        var many = Statistics.ProportionGreater(300, 10000, 100, 10000, 0.01);
        Assert.Equal(5.0637, many.Z, 4);
        Assert.True(many.PValue < 1e-6);
    }

    [Fact]
    public void Proportions_NoVariance_IsCertain()
    {
        Assert.Equal(1, Statistics.ProportionGreater(0, 500, 0, 500, 0.01).PValue);
        Assert.Equal(0, Statistics.ProportionGreater(500, 500, 0, 500, 0.01).PValue);
    }

    [Fact]
    public void Median_OddAndEven()
    {
        Assert.Equal(3, Statistics.Median([5, 1, 3]));
        Assert.Equal(2.5, Statistics.Median([4, 1, 3, 2]));
    }
}

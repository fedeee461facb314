using Bot.Core.Analysis;

namespace Bot.Core.Tests.Analysis;

public sealed class AnalysisResponseTests
{
    private static readonly AnalysisPolicy Policy = new();

    private static AnalysisResult Result(Verdict v, bool critical = false, string decision = "canary 8% is above the limit 1%") =>
        new(v, [new MetricEvidence("successRate", "q", v, critical, 0.08, 0.001, "<= 1%", 1000, 9000, null, decision)]);

    [Fact]
    public void CriticalFailure_RollsBackAtOnce()
    {
        var step = AnalysisResponse.Next(AnalysisCounters.None, Result(Verdict.Fail, critical: true), Policy);
        Assert.Equal(AnalysisAction.RollBack, step.Action);
        Assert.Equal("critical metric failed: successRate: canary 8% is above the limit 1%", step.Reason);
    }

    [Fact]
    public void OrdinaryFailures_RollBackAtTheLimit_APassInBetweenStartsOver()
    {
        var one = AnalysisResponse.Next(AnalysisCounters.None, Result(Verdict.Fail), Policy);
        Assert.Equal(AnalysisAction.Continue, one.Action);
        Assert.Equal(1, one.Counters.Failures);

        var cleared = AnalysisResponse.Next(one.Counters, Result(Verdict.Pass), Policy);
        Assert.Equal(AnalysisCounters.None, cleared.Counters);
        Assert.Equal(AnalysisAction.Continue, AnalysisResponse.Next(cleared.Counters, Result(Verdict.Fail), Policy).Action);

        var two = AnalysisResponse.Next(one.Counters, Result(Verdict.Fail), Policy);
        Assert.Equal(AnalysisAction.RollBack, two.Action);
        Assert.StartsWith("failed 2 intervals in a row (limit 2)", two.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoVerdict_ExtendsThenAsksAPersonWithTheNumbers()
    {
        var low = Result(Verdict.NoVerdict, decision: "37 of 500 requests in 10m: too little traffic to judge");
        var c = AnalysisCounters.None;
        for (var i = 1; i < Policy.InconclusiveLimit; i++)
        {
            var step = AnalysisResponse.Next(c, low, Policy);
            Assert.Equal(AnalysisAction.Extend, step.Action);
            c = step.Counters;
        }
        var ask = AnalysisResponse.Next(c, low, Policy);
        Assert.Equal(AnalysisAction.AskHuman, ask.Action);
        Assert.Equal("no verdict for 3 intervals: 37 of 500 requests in 10m: too little traffic to judge", ask.Reason);
    }

    [Fact]
    public void SourceErrors_PauseAtTheLimit_AndAVerdictClearsThem()
    {
        var c = AnalysisCounters.None;
        for (var i = 1; i < Policy.ErrorLimit; i++)
        {
            var step = AnalysisResponse.Error(c, "prometheus:9090 refused the connection", Policy);
            Assert.Equal(AnalysisAction.Extend, step.Action);
            c = step.Counters;
        }
        Assert.Equal(0, AnalysisResponse.Next(c, Result(Verdict.NoVerdict), Policy).Counters.Errors);
        var pause = AnalysisResponse.Error(c, "prometheus:9090 refused the connection", Policy);
        Assert.Equal(AnalysisAction.Pause, pause.Action);
        Assert.Equal("the metrics source failed 4 times in a row: prometheus:9090 refused the connection", pause.Reason);
    }
}

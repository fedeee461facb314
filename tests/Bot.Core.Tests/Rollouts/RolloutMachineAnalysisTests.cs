using Bot.Core.Analysis;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>The engine acting on analysis verdicts: the measurement loop, the graded response, the analysis and fault steps.</summary>
public sealed class RolloutMachineAnalysisTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private static readonly MetricRule SuccessRate = new() { Name = "successRate", Kind = MetricKind.ErrorRate, Max = 0.01, MinRequests = 100, Critical = true };
    private static readonly MetricRule Latency = new() { Name = "latencyP99", Kind = MetricKind.Latency, Max = 500, MinRequests = 100 };

    private static ReleaseConfig With(AnalysisPolicy? policy, params StepSpec[] steps) => Configs.Checkout(steps) with
    {
        Analysis = new AnalysisSpec
        {
            Prometheus = new PrometheusSpec { Url = new Uri("http://prometheus.istio-system:9090") },
            Interval = Interval,
            Metrics = [new AnalysisMetric(SuccessRate), new AnalysisMetric(Latency)],
            Policy = policy ?? new AnalysisPolicy(),
        },
    };

    private static MetricObservation[] Healthy(long requests = 1000) =>
    [
        new(SuccessRate, "sum(rate(istio_requests_total{...}[10s]))", new Sample { Requests = requests, Errors = 1 }, null),
        new(Latency, "histogram_quantile(0.99, ...)", new Sample { Requests = requests, Value = 120 }, null),
    ];

    private static MetricObservation[] ErrorSpike() =>
    [
        new(SuccessRate, "sum(rate(istio_requests_total{response_code=~\"5..\"}[10s]))", new Sample { Requests = 1000, Errors = 250 }, null),
        new(Latency, "histogram_quantile(0.99, ...)", new Sample { Requests = 1000, Value = 120 }, null),
    ];

    private static MetricObservation[] SlowOnly() =>
    [
        new(SuccessRate, "q1", new Sample { Requests = 1000, Errors = 0 }, null),
        new(Latency, "q2", new Sample { Requests = 1000, Value = 900 }, null),
    ];

    private static MetricObservation[] Quiet() =>
    [
        new(SuccessRate, "q1", new Sample { Requests = 37, Errors = 0 }, null),
        new(Latency, "q2", new Sample { Requests = 37, Value = 100 }, null),
    ];

    /// <summary>Lets the analysis due message come and answers its measurement with <paramref name="observed"/> (or an error).</summary>
    private static Decision Measure(Story s, MetricObservation[]? observed, string? error = null)
    {
        s.Advance(Interval);
        var due = s.Send(new AnalysisDue(s.Active.Id, s.Active.Analysis!.Round) { By = Actor.Timer });
        var measure = Assert.Single(due.Effects.OfType<MeasureCanary>());
        return s.Send(new AnalysisMeasured(s.Active.Id, measure.Round, s.Now, observed, error) { By = Actor.System });
    }

    [Fact]
    public void CanaryTakingTraffic_StartsTheLoop_OneIntervalLater()
    {
        var s = new Story(With(null, new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(1))));
        s.Start();
        s.Tick();
        Assert.Contains("scheduleAnalysis 1 +10s", s.Effects);
        Assert.Equal(s.Now + Interval, s.Active.Analysis!.NextAt);
    }

    [Fact]
    public void CriticalFailure_RollsBackAtOnce_WithTheEvidenceInTheThreadAndAudit()
    {
        var s = new Story(With(null, new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(5))));
        s.Start();
        s.Tick();
        Measure(s, Healthy());
        Assert.Equal(RolloutPhase.Progressing, s.Active.Phase);

        var d = Measure(s, ErrorSpike());
        Assert.Equal(RolloutPhase.RolledBack, s.State.LastFinished!.Phase);
        Assert.Contains("rollbackTraffic", s.Effects);
        var told = s.Notices.First(n => n.Kind == NoticeKind.Analysis).Text;
        Assert.Contains("FAIL successRate (critical)", told);
        Assert.Contains("requests 1000 canary", told);
        Assert.Contains("istio_requests_total", told);
        var audit = s.AllEffects.OfType<AuditEntry>().First(a => a.Action == "analysis");
        Assert.StartsWith("fail:", audit.Reason);
        Assert.Contains("canary 0.25", audit.Reason);
        Assert.Contains("critical metric failed", d.Message);
    }

    [Fact]
    public void NonCriticalFailure_RollsBackAfterFailureLimitInARow()
    {
        var s = new Story(With(new AnalysisPolicy { FailureLimit = 2 }, new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(5))));
        s.Start();
        s.Tick();
        Measure(s, SlowOnly());
        Assert.Equal(RolloutPhase.Progressing, s.Active.Phase);
        Assert.Equal(1, s.Active.Analysis!.Counters.Failures);
        Measure(s, SlowOnly());
        Assert.Equal(RolloutPhase.RolledBack, s.State.LastFinished!.Phase);
    }

    [Fact]
    public void TooLittleTraffic_ExtendsTheBake_ThenAsksAPerson_AndApproveAnywayPasses()
    {
        var s = new Story(With(new AnalysisPolicy { InconclusiveLimit = 3 }, new SetWeightStep(10), new PauseStep(TimeSpan.FromSeconds(20)), new SetWeightStep(50)));
        s.Start();
        s.Tick();                 // canary 10%, loop starts
        s.Tick();                 // bake starts, ends in 20 s
        Measure(s, Quiet());      // no verdict 1
        Measure(s, Quiet());      // no verdict 2; the bake is over
        s.Tick();
        Assert.Contains("extended by 10s", s.Last.Message);
        Assert.Equal(1, s.Active.StepIndex);

        Measure(s, Quiet());      // no verdict 3: ask
        Assert.Equal(RolloutPhase.Paused, s.Active.Phase);
        Assert.Equal(PauseCause.Analysis, s.Active.PausedBy);
        var ask = s.Notices.Single(n => n.Kind == NoticeKind.AnalysisInconclusive).Text;
        Assert.Contains("37 of 100 requests in 10s", ask);
        Assert.Contains("Extend (resume), approve anyway, or roll back", ask);

        s.Approve(Story.Ann);
        Assert.Equal(2, s.Active.StepIndex);
        Assert.Contains(s.AllEffects.OfType<AuditEntry>(), a => a.Action == "approve-anyway");
    }

    [Fact]
    public void BakeEndingBeforeTheFirstVerdict_IsExtended_NeverPassedOnNoMeasurement()
    {
        // Found end to end (AnalysisEndToEndTests.PrometheusDown_PausesWithTheReason_AndNeverPromotes): a bake shorter than the
        // interval passed, and the promote after it ran, before anything was measured; with Prometheus down that promoted on no data.
        var s = new Story(With(new AnalysisPolicy { ErrorLimit = 2 }, new SetWeightStep(10), new PauseStep(TimeSpan.FromSeconds(5)), new PromoteStep()));
        s.Start();
        s.Tick();                 // canary 10%, loop starts: first measurement in 10 s
        s.Tick();                 // bake starts, ends in 5 s
        s.Advance(TimeSpan.FromSeconds(5));
        s.Tick();                 // the bake is over, nothing judged yet
        Assert.Equal(1, s.Active.StepIndex);
        Assert.False(s.Active.Promoting);
        Assert.Contains("extended by 10s: no verdict yet", s.Last.Message);
        // Told in the thread (the README: extensions post there), not only as the live message's note.
        Assert.Contains(s.Notices, n => n.Kind == NoticeKind.Analysis && n.Text.Contains("extended by 10s: no verdict yet"));

        Measure(s, Healthy());    // the first verdict passes: the extended bake ends on it
        s.Tick();
        Assert.Equal(2, s.Active.StepIndex);
    }

    [Fact]
    public void PromoteRightAfterTheCanaryTakesTraffic_WaitsForTheFirstVerdict()
    {
        var s = new Story(With(null, new SetWeightStep(10), new PromoteStep()));
        s.Start();
        s.Tick();                 // canary 10%
        s.Tick();                 // the promote: nothing measured yet
        Assert.False(s.Active.Promoting);
        Assert.Contains("no verdict yet", s.Last.Message);

        Measure(s, Healthy());
        s.Tick();
        Assert.True(s.Active.Promoting);
    }

    [Fact]
    public void MetricsSourceDown_PausesWithTheReason_AfterTheErrorLimit_AndNeverPromotes()
    {
        var s = new Story(With(new AnalysisPolicy { ErrorLimit = 2 }, new SetWeightStep(10), new PromoteStep()));
        s.Start();
        s.Tick();                 // canary 10%; the promote step is next
        Measure(s, null, "Prometheus at http://prometheus.istio-system:9090 did not answer: connection refused");
        s.Tick();                 // promote waits: the last verdict was an error
        Assert.False(s.Active.Promoting);
        Assert.Contains("extended", s.Last.Message);
        Measure(s, null, "Prometheus at http://prometheus.istio-system:9090 did not answer: connection refused");
        Assert.Equal(RolloutPhase.Paused, s.Active.Phase);
        Assert.Contains("connection refused", s.Active.Reason);
        Assert.Contains("will not promote", s.Active.Reason);
        s.Tick();
        Assert.False(s.Active.Promoting);
    }

    [Fact]
    public void AnalysisStep_PassesOnlyOnAPassingVerdict()
    {
        var s = new Story(With(null, new SetWeightStep(10), new AnalyzeStep(TimeSpan.FromSeconds(20)), new SetWeightStep(50)));
        s.Start();
        s.Tick();
        s.Tick();                 // analysis step starts
        Assert.Equal(1, s.Active.StepIndex);
        Measure(s, Quiet());
        Measure(s, Quiet());
        s.Tick();                 // time is up, no pass yet: extended
        Assert.Equal(1, s.Active.StepIndex);
        Measure(s, Healthy());    // passes the step at once
        Assert.Equal(2, s.Active.StepIndex);
    }

    [Fact]
    public void FaultStep_InjectsOnTheRoute_AndTheAnalysisRollsBack_WhichRemovesTheFault()
    {
        var fault = new FaultStep(new FaultAbort(50, 503), null);
        var s = new Story(With(null, new SetWeightStep(20), fault, new PauseStep(TimeSpan.FromMinutes(5))));
        s.Start();
        s.Tick();
        s.Tick();
        Assert.Contains("fault fault abort 50% 503", s.Effects);
        Assert.Equal(2, s.Active.StepIndex);
        Measure(s, ErrorSpike());
        Assert.Equal(RolloutPhase.RolledBack, s.State.LastFinished!.Phase);
    }

    [Fact]
    public void ARoundDeliveredLate_KeepsTheLoopsCadence_ButNeverMeasuresTwiceInARow()
    {
        // Found by the analysis benchmark: each round was scheduled one interval after its message arrived, so the queue's
        // polling delay added up round after round, and a breach just after a round waited an interval plus that delay.
        var s = new Story(With(null, new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(5))));
        s.Start();
        s.Tick();
        var planned = s.Active.Analysis!.NextAt!.Value;
        s.Advance(Interval + TimeSpan.FromSeconds(1.5));     // the round's message came 1.5 s late
        s.Send(new AnalysisDue(s.Active.Id, s.Active.Analysis.Round) { By = Actor.Timer });
        Assert.Equal(planned + Interval, s.Active.Analysis!.NextAt);
        Assert.Contains("scheduleAnalysis 2 +8.5s", s.Effects);

        s.Advance(Interval + Interval);                      // this one came more than an interval late: start again from now
        s.Send(new AnalysisDue(s.Active.Id, s.Active.Analysis.Round) { By = Actor.Timer });
        Assert.Equal(s.Now + Interval, s.Active.Analysis!.NextAt);
    }

    [Fact]
    public void StaleAnalysisMessagesAndResults_ChangeNothing()
    {
        var s = new Story(With(null, new SetWeightStep(10), new PauseStep(TimeSpan.FromMinutes(5))));
        s.Start();
        s.Tick();
        var before = s.State;
        var d = s.Send(new AnalysisDue(s.Active.Id, 7) { By = Actor.Timer });
        Assert.Empty(d.Effects);
        Assert.Same(before, s.State);
        var m = s.Send(new AnalysisMeasured(s.Active.Id, 1, s.Now, ErrorSpike()) { By = Actor.System }); // round 1 was never asked
        Assert.Empty(m.Effects);
    }
}

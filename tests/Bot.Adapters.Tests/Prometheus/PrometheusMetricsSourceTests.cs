using Bot.Adapters.Prometheus;
using Bot.Core.Analysis;
using Bot.Core.Config;
using Bot.TestKit.Prometheus;

namespace Bot.Adapters.Tests.Prometheus;

/// <summary>The analysis measured on a real Prometheus (backfilled Istio metrics, queries at a fixed time) and judged.</summary>
public sealed class PrometheusMetricsSourceTests(IstioPrometheusFixture prometheus) : IClassFixture<IstioPrometheusFixture>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private static readonly MetricRule SuccessRate = new()
    {
        Name = AnalysisMetric.SuccessRate, Kind = MetricKind.ErrorRate, Max = 0.01, MaxAboveStable = 0.01, MinRequests = 100, Critical = true,
    };

    private static readonly MetricRule LatencyP99 = new()
    {
        Name = AnalysisMetric.LatencyP99, Kind = MetricKind.Latency, Max = 500, MaxRatioToStable = 1.2, MinRequests = 100,
    };

    private AnalysisSpec Analysis(params MetricRule[] rules) => new()
    {
        Prometheus = new PrometheusSpec { Url = prometheus.Server.Url },
        Interval = Interval,
        Metrics = [.. rules.Select(r => new AnalysisMetric(r))],
    };

    private static ReleaseConfig Service(string ns) => new()
    {
        Service = "checkout",
        Namespace = ns,
        Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
        Deployments = new DeploymentSpec { Canary = "checkout-canary", Stable = "checkout-stable", ImageTemplate = "r/checkout:{version}" },
        Steps = [new SetWeightStep(10)],
    };

    private static PrometheusMetricsSource Source(Func<string, string?>? settings = null) =>
        new(new PrometheusClient(new HttpClient()), settings ?? (_ => null));

    private async Task<AnalysisResult> JudgeAsync(string ns, AnalysisSpec analysis)
    {
        var observations = await Source().MeasureAsync(Service(ns), analysis, IstioPrometheusFixture.At, CancellationToken.None);
        return CanaryJudge.Judge(observations, analysis.Interval, analysis.Confidence);
    }

    [Fact]
    public async Task HealthyCanary_Passes_WithTheCountsPrometheusHas()
    {
        var r = await JudgeAsync("healthy", Analysis(SuccessRate, LatencyP99));

        Assert.Equal(Verdict.Pass, r.Verdict);
        var rate = r.Metrics.Single(m => m.Metric == AnalysisMetric.SuccessRate);
        // 10 and 90 requests a second for a minute (increase() extrapolates to the window's edges).
        Assert.InRange(rate.CanaryRequests, 550, 650);
        Assert.InRange(rate.StableRequests!.Value, 5000, 5800);
        Assert.InRange(rate.Canary!.Value, 0.001, 0.003);
        Assert.Contains("istio_requests_total{reporter=\"destination\",destination_workload_namespace=\"healthy\",destination_workload=\"checkout-canary\",response_code=~\"5..\"}[1m]",
            rate.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorSpike_OnTheCanary_FailsTheCriticalMetric()
    {
        var r = await JudgeAsync("spike", Analysis(SuccessRate));

        Assert.Equal(Verdict.Fail, r.Verdict);
        Assert.True(r.CriticalFailure);
        Assert.InRange(r.Metrics[0].Canary!.Value, 0.19, 0.21);
        Assert.Contains("is above the limit 1%", r.Metrics[0].Decision, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LatencyRegression_AgainstStable_FailsWhereTheAbsoluteLimitPasses()
    {
        // Every canary request takes 300 ms (Istio bucket 250–500: p99 497.5 ms, under the 500 ms limit), stable's 200 ms (p99 248.5).
        var absolute = await JudgeAsync("slow", Analysis(LatencyP99 with { MaxRatioToStable = null }));
        Assert.Equal(Verdict.Pass, absolute.Verdict);
        Assert.Equal(497.5, absolute.Metrics[0].Canary!.Value, 1);

        var relative = await JudgeAsync("slow", Analysis(LatencyP99));
        Assert.Equal(Verdict.Fail, relative.Verdict);
        var m = relative.Metrics[0];
        Assert.Equal(248.5, m.Stable!.Value, 1);
        Assert.True(m.PValue < 0.02, $"p = {m.PValue}");
        Assert.Contains("5 vs 5 points", m.Decision, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LowTraffic_IsNoVerdict()
    {
        var r = await JudgeAsync("quiet", Analysis(SuccessRate));

        Assert.Equal(Verdict.NoVerdict, r.Verdict);
        Assert.Matches(@"^\d+ of 100 requests in 1m: too little traffic to judge$", r.Metrics[0].Decision);
    }

    [Fact]
    public async Task ByVersionLabel_MeasuresTheSubsets()
    {
        var r = await JudgeAsync("spike", Analysis(SuccessRate) with { VersionLabel = "destination_version" });

        Assert.Equal(Verdict.Fail, r.Verdict);
        Assert.Contains("destination_version=\"canary\"", r.Metrics[0].Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomQuery_PlaceholdersFilledIn()
    {
        var rule = new MetricRule { Name = "canaryRps", Kind = MetricKind.Value, Max = 5, MinRequests = 100 };
        var analysis = Analysis() with
        {
            Metrics = [new AnalysisMetric(rule, "sum(rate(istio_requests_total{destination_workload=\"{{canary}}\",destination_workload_namespace=\"{{namespace}}\"}[{{interval}}]))")],
        };
        var r = await JudgeAsync("healthy", analysis);

        Assert.Equal(Verdict.Fail, r.Verdict); // 10 requests a second, above 5
        Assert.InRange(r.Metrics[0].Canary!.Value, 9, 11);
        Assert.Equal("sum(rate(istio_requests_total{destination_workload=\"checkout-canary\",destination_workload_namespace=\"healthy\"}[1m]))", r.Metrics[0].Query);
        Assert.Equal(["colour"], AnalysisQueries.UnknownPlaceholders("up{x=\"{{colour}}\",ns=\"{{namespace}}\"}"));
    }

    [Fact]
    public async Task BadQuery_PrometheusRefusal_SaysWhatItSaid()
    {
        var rule = new MetricRule { Name = "broken", Kind = MetricKind.Value, Max = 1 };
        var analysis = Analysis() with { Metrics = [new AnalysisMetric(rule, "sum(rate(up[{{interval}}])")] };

        var e = await Assert.ThrowsAsync<PrometheusException>(() => Source().MeasureAsync(Service("healthy"), analysis, IstioPrometheusFixture.At, CancellationToken.None));
        Assert.Contains("refused the query (400 bad_data", e.Message, StringComparison.Ordinal);
        Assert.Contains("sum(rate(up[1m])", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_NamesTheServerAndTheSetting()
    {
        await using var down = await PrometheusServer.StartAsync();
        down.Stop();
        var analysis = Analysis(SuccessRate) with { Prometheus = new PrometheusSpec { Url = down.Url } };

        var e = await Assert.ThrowsAsync<PrometheusException>(() => Source().MeasureAsync(Service("healthy"), analysis, IstioPrometheusFixture.At, CancellationToken.None));
        Assert.Contains($"Prometheus at {down.Url} did not answer", e.Message, StringComparison.Ordinal);
        Assert.Contains("analysis.prometheus.url", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_ComeFromTheNamedSetting_AndAMissingOneIsAClearError()
    {
        var analysis = Analysis(SuccessRate) with { Prometheus = new PrometheusSpec { Url = prometheus.Server.Url, BearerTokenSetting = "Analysis__PromToken" } };
        var e = await Assert.ThrowsAsync<PrometheusException>(() => Source().MeasureAsync(Service("healthy"), analysis, IstioPrometheusFixture.At, CancellationToken.None));
        Assert.Equal("the app setting Analysis__PromToken named by analysis.prometheus is not set; set it to the Prometheus credential", e.Message);

        // This Prometheus asks for no credentials; what the client sent is seen on the way.
        var seen = new AuthorizationSeen { InnerHandler = new HttpClientHandler() };
        var source = new PrometheusMetricsSource(new PrometheusClient(new HttpClient(seen)), s => s == "Analysis__PromToken" ? "secret-token" : null);
        Assert.Single(await source.MeasureAsync(Service("healthy"), analysis, IstioPrometheusFixture.At, CancellationToken.None));
        Assert.NotEmpty(seen.Values);
        Assert.All(seen.Values, v => Assert.Equal("Bearer secret-token", v));

        var basic = analysis with { Prometheus = new PrometheusSpec { Url = prometheus.Server.Url, Username = "bot", PasswordSetting = "Analysis__PromPassword" } };
        seen.Values.Clear();
        var withPassword = new PrometheusMetricsSource(new PrometheusClient(new HttpClient(seen)), s => s == "Analysis__PromPassword" ? "pa:ss" : null);
        await withPassword.MeasureAsync(Service("healthy"), basic, IstioPrometheusFixture.At, CancellationToken.None);
        Assert.All(seen.Values, v => Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("bot:pa:ss")), v));
        Assert.DoesNotContain("secret-token", new PrometheusEndpoint(prometheus.Server.Url, "secret-token").ToString(), StringComparison.Ordinal);
    }

    private sealed class AuthorizationSeen : DelegatingHandler
    {
        public System.Collections.Concurrent.ConcurrentBag<string> Values { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Values.Add(request.Headers.Authorization?.ToString() ?? "(none)");
            return base.SendAsync(request, ct);
        }
    }
}

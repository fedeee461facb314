using Bot.Adapters.Config;
using Bot.Adapters.Config.Sections;
using Bot.Core.Analysis;
using Bot.Core.Config;

namespace Bot.Adapters.Tests.Config;

public sealed class AnalysisSectionTests
{
    private const string Head = """
        service: checkout
        namespace: shop
        route: {virtualService: checkout, name: primary, destinationRule: checkout}
        deployments: {canary: checkout-canary, stable: checkout, image: "r/checkout:{version}"}

        """;

    private static ConfigParseResult Parse(string yaml) => ReleaseConfigParser.Parse(Head + yaml, "checkout.yaml");

    private static string[] Errors(string yaml) => Parse(yaml).Errors.Select(e => e.ToString()).ToArray();

    [Fact]
    public void Complete_ReadsEveryField()
    {
        var r = Parse("""
            analysis:
              prometheus: {url: "http://prometheus.istio-system:9090", bearerTokenSetting: Analysis__PrometheusToken, caFile: /etc/prom-ca.pem}
              interval: 30s
              versionLabel: destination_version
              confidence: 0.99
              failureLimit: 3
              inconclusiveLimit: 5
              errorLimit: 2
              metrics:
                - {name: successRate, min: 99, maxBelowStable: 1, minRequests: 200, critical: true}
                - {name: latencyP99, max: 500, maxRatioToStable: 1.2}
                - {name: queueDepth, query: 'max(queue_depth{app="{{canary}}",ns="{{namespace}}"})', max: 100, min: 0}
            """);

        Assert.Empty(r.Errors);
        var a = r.Config!.Analysis!;
        Assert.Equal(new Uri("http://prometheus.istio-system:9090"), a.Prometheus.Url);
        Assert.Equal("Analysis__PrometheusToken", a.Prometheus.BearerTokenSetting);
        Assert.Equal("/etc/prom-ca.pem", a.Prometheus.CaFile);
        Assert.Equal(TimeSpan.FromSeconds(30), a.Interval);
        Assert.Equal("destination_version", a.VersionLabel);
        Assert.Equal(0.99, a.Confidence);
        Assert.Equal(new AnalysisPolicy { FailureLimit = 3, InconclusiveLimit = 5, ErrorLimit = 2 }, a.Policy);
        var success = a.Metrics[0].Rule;
        Assert.Equal(MetricKind.ErrorRate, success.Kind);
        Assert.Equal(0.01, success.Max!.Value, 10);
        Assert.Equal(0.01, success.MaxAboveStable!.Value, 10);
        Assert.Equal(200, success.MinRequests);
        Assert.True(success.Critical);
        Assert.Equal(new MetricRule { Name = "latencyP99", Kind = MetricKind.Latency, Max = 500, MaxRatioToStable = 1.2, MinRequests = 100 }, a.Metrics[1].Rule);
        Assert.Equal(MetricKind.Value, a.Metrics[2].Rule.Kind);
        Assert.Equal("max(queue_depth{app=\"{{canary}}\",ns=\"{{namespace}}\"})", a.Metrics[2].Query);
    }

    [Fact]
    public void Defaults_OneMinuteAndTheGradedResponse()
    {
        var r = Parse("""
            analysis:
              prometheus: {url: "http://prom:9090"}
              metrics: [{name: successRate, min: 99}]
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(TimeSpan.FromMinutes(1), r.Config!.Analysis!.Interval);
        Assert.Equal(new AnalysisPolicy(), r.Config.Analysis.Policy);
        Assert.Equal(AnalysisSection.DefaultMinRequests, r.Config.Analysis.Metrics[0].Rule.MinRequests);
    }

    [Fact]
    public void Mistakes_AllReportedWithLineAndFix()
    {
        var errors = Errors("""
            analysis:
              prometheus: {url: "prom:9090"}
              interval: 5s
              metrics:
                - {name: succesRate, min: 99}
                - {name: latencyP99}
                - {name: depth, query: 'max(q{app="{{canry}}"}[{{interval}}])', max: 3}
                - {name: successRate, min: 99, max: 3}
            """);

        Assert.Equal(
        [
            "checkout.yaml:6: analysis.prometheus.url: 'prom:9090' is not an http(s) URL; write it like http://prometheus.istio-system:9090",
            "checkout.yaml:7: analysis.interval: 5s is out of range 10s-1h; write an interval such as 1m (each verdict looks at one interval)",
            "checkout.yaml:9: analysis.metrics[0].name: 'succesRate' is not a built-in metric; did you mean 'successRate'? use successRate or latencyP99, or give a query",
            "checkout.yaml:10: analysis.metrics[1]: latencyP99 has no threshold, so it could never fail; add max (ms) and/or maxRatioToStable (e.g. 1.2)",
            "checkout.yaml:11: analysis.metrics[2].query: unknown placeholder '{{canry}}'; did you mean '{{canary}}'? use {{canary}}, {{stable}}, {{namespace}}, {{interval}}",
            "checkout.yaml:12: analysis.metrics[3].max: does not apply to successRate; successRate takes min (success %) and maxBelowStable (points)",
        ], errors);
    }

    [Fact]
    public void CustomQueryWithoutTheCanaryPlaceholder_IsRefusedWithLine()
    {
        var errors = Errors("""
            analysis:
              prometheus: {url: "http://prom:9090"}
              metrics:
                - {name: depth, query: 'max(queue_depth{app="checkout"})', max: 3}
            """);
        Assert.Equal(["checkout.yaml:8: analysis.metrics[0].query: has no {{canary}} placeholder, so it cannot tell the canary's value from stable's; "
            + "select the canary with {{canary}}, e.g. max(queue_depth{app=\"{{canary}}\"})"], errors);
    }

    private const string Analysis = """
        analysis:
          prometheus: {url: "http://prom:9090"}
          interval: 10s
          metrics: [{name: successRate, min: 99, critical: true}]

        """;

    [Fact]
    public void AnalysisAndFaultSteps_AreRead()
    {
        var r = Parse(Analysis + """
            steps:
              - setWeight: 20
              - analysis: {duration: 10m}
              - fault: {abort: {percent: 50, httpStatus: 503}, delay: {percent: 10, fixedDelay: 500ms}}
              - analysis: 2m
            """);
        Assert.Empty(r.Errors);
        Assert.Equal(new AnalyzeStep(TimeSpan.FromMinutes(10)), r.Config!.Steps[1]);
        Assert.Equal(new FaultStep(new FaultAbort(50, 503), new FaultDelay(10, TimeSpan.FromMilliseconds(500))), r.Config.Steps[2]);
        Assert.Equal(new AnalyzeStep(TimeSpan.FromMinutes(2)), r.Config.Steps[3]);
    }

    [Fact]
    public void FaultStepMistakes_AndStepsWithoutAnalysis_AreReportedWithLine()
    {
        var errors = Errors(Analysis + """
            steps:
              - fault: {abort: {percent: 150, httpStatus: 99}}
              - fault: {delay: {percent: 5}}
              - fault: {}
            """);
        Assert.Equal(
        [
            "checkout.yaml:10: steps[0].fault.abort.percent: 150 is out of range 0-100; write the share of requests in percent, e.g. 50",
            "checkout.yaml:10: steps[0].fault.abort.httpStatus: 99 is out of range 200-599; write an HTTP status such as 503",
            "checkout.yaml:11: steps[1].fault.delay.fixedDelay: is required; write the delay, e.g. 2s or 500ms",
            "checkout.yaml:12: steps[2].fault: needs abort or delay; write fault: {abort: {percent: 50, httpStatus: 503}} or fault: {delay: {percent: 20, fixedDelay: 2s}}",
        ], errors);

        var none = Errors("""
            steps:
              - analysis: 5m
              - fault: {abort: {percent: 50, httpStatus: 503}}
            """);
        Assert.True(none.Length == 2, string.Join("\n", none));
        Assert.Contains(none, e => e.StartsWith("checkout.yaml:6: steps[0].analysis: needs the analysis section", StringComparison.Ordinal));
        Assert.Contains(none, e => e.StartsWith("checkout.yaml:7: steps[1].fault: needs the analysis section", StringComparison.Ordinal));
    }

    [Fact]
    public void ByWorkload_WithoutDeployments_IsRefused_ByLabelIsNot()
    {
        const string noDeployments = """
            service: checkout
            namespace: shop
            route: {virtualService: checkout, name: primary, destinationRule: checkout}
            steps: [{setImage: {}}]
            """;
        const string analysis = """

            analysis:
              prometheus: {url: "http://prom:9090"}
              metrics: [{name: successRate, min: 99}]
            """;
        var errors = ReleaseConfigParser.Parse(noDeployments + analysis, "checkout.yaml").Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(errors, e => e.StartsWith("checkout.yaml:6: analysis: tells canary from stable by workload, which needs the deployments section", StringComparison.Ordinal));
        var byLabel = ReleaseConfigParser.Parse(noDeployments + analysis + "  versionLabel: destination_version\n", "checkout.yaml").Errors;
        Assert.DoesNotContain(byLabel, e => e.Path == "analysis");
    }

    [Fact]
    public void CredentialsInTheUrl_AreRefused_WithoutRepeatingThem()
    {
        var errors = Errors("""
            analysis:
              prometheus: {url: "https://bot:hunter2@prom:9090"}
              metrics: [{name: successRate, min: 99}]
            """);
        var error = Assert.Single(errors);
        Assert.Equal("checkout.yaml:6: analysis.prometheus.url: has credentials in it; remove them from the URL; use username + passwordSetting or bearerTokenSetting", error);
        Assert.DoesNotContain("hunter2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_EitherBearerOrBasic()
    {
        var errors = Errors("""
            analysis:
              prometheus: {url: "https://prom:9090", bearerTokenSetting: T, username: bot}
              metrics: [{name: successRate, min: 99}]
            """);
        Assert.Contains("checkout.yaml:6: analysis.prometheus: has both a bearer token and basic auth; keep one of bearerTokenSetting or username/passwordSetting", errors);
        Assert.Contains("checkout.yaml:6: analysis.prometheus: basic auth needs both username and passwordSetting; add the missing one", errors);
    }
}

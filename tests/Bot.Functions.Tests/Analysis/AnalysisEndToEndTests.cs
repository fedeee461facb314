using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Scheduling;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Bot.TestKit.Prometheus;
using Bot.TestKit.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Analysis;

/// <summary>
/// Issue 12's "done when", through the whole app (Program) on Azurite: the Istio router on the Kubernetes API double (the
/// sample's <c>checkout</c> VirtualService, Istio CRDs checked), the Slack contract double, and a real Prometheus holding the
/// Istio metrics each test states (backfilled with promtool). The bot's clock is injected: every analysis round queries
/// Prometheus at <c>time=</c> that clock, so the data read is the data written here.
/// <para>How time moves: the test advances the clock, then runs what is due as the host would, invoking the functions of
/// functions.metadata the way the standalone host does (<see cref="Bot.Functions.Hosting.FunctionInvoker"/>): the <c>Sweep</c> timer (with <c>Sweep:OverdueGrace</c> 0 it enqueues every step and analysis round due
/// at the clock's now: Azurite hides the messages the bot scheduled on its own real clock), the <c>RolloutSteps</c> queue
/// function for every visible step message, and the <c>Notifications</c> function for every notice (Slack).</para>
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AnalysisEndToEndTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private const string Canary = "checkout-canary";
    private const string Stable = "checkout-stable";

    [Fact]
    public async Task HealthyCanary_PassesEveryInterval_AndIsPromoted()
    {
        var metrics = new IstioMetrics("shop")
            .Traffic(Canary, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 10, errorShare: 0.001)
            .Traffic(Stable, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 40, errorShare: 0.001);
        await using var rig = await Rig.StartAsync(azurite, output, metrics, SuccessRate, "setWeight: 20", "analysis: {duration: 2m}", "promote: {}");
        var id = await rig.StartRolloutAsync();
        Assert.Equal((80, 20), rig.Cluster.Weights());

        await rig.AdvanceAsync(Interval);
        var afterOne = await rig.RolloutAsync(id);
        Assert.Equal("progressing", (string?)afterOne["phase"]);
        Assert.Equal("pass", (string?)afterOne["analysis"]!["lastOutcome"]);
        await rig.AdvanceAsync(Interval);
        await rig.FinishPromotionAsync();

        var done = await rig.RolloutAsync(id);
        Assert.Equal("succeeded", (string?)done["phase"]);
        Assert.Equal((100, 0), rig.Cluster.Weights());
        var audit = await rig.AuditAsync(id);
        var verdicts = audit.Where(e => (string?)e["action"] == "analysis").Select(e => (string)e["reason"]!).ToList();
        Assert.NotEmpty(verdicts);
        Assert.All(verdicts, v => Assert.StartsWith("pass: ", v, StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => ((string?)e["action"])!.Contains("rollback", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErrorSpikeOnTheCanary_RollsBackWithinOneInterval_WithTheEvidenceInSlackAndAudit()
    {
        var spike = T0.AddSeconds(150);
        var metrics = new IstioMetrics("shop")
            .Traffic(Canary, T0.AddMinutes(-10), spike, perSecond: 10, errorShare: 0.001)
            .Traffic(Canary, spike.AddSeconds(5), T0.AddMinutes(10), perSecond: 10, errorShare: 0.2)
            .Traffic(Stable, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 40, errorShare: 0.001);
        await using var rig = await Rig.StartAsync(azurite, output, metrics, SuccessRate, "setWeight: 20", "analysis: {duration: 10m}", "promote: {}");
        var id = await rig.StartRolloutAsync();

        await rig.AdvanceAsync(Interval);
        await rig.AdvanceAsync(Interval);
        Assert.Equal("pass", (string?)(await rig.RolloutAsync(id))["analysis"]!["lastOutcome"]);
        Assert.Equal((80, 20), rig.Cluster.Weights());
        await rig.AdvanceAsync(Interval); // the first round whose interval holds the spike

        var view = await rig.RolloutAsync(id);
        Assert.Equal("rolledBack", (string?)view["phase"]);
        Assert.Equal((100, 0), rig.Cluster.Weights());
        var audit = await rig.AuditAsync(id);
        var rollback = audit.Single(e => (string?)e["action"] == "analysis-rollback");
        var rolledBackAt = (DateTimeOffset)rollback["at"]!;
        Assert.InRange(rolledBackAt - spike, TimeSpan.Zero, Interval);
        var failed = (string)audit.Last(e => (string?)e["action"] == "analysis")["reason"]!;
        output.WriteLine(failed);
        AssertEvidence(failed);

        // The thread has the evidence too.
        var thread = rig.ThreadTexts();
        var posted = Assert.Single(thread, t => t.Contains("analysis failed", StringComparison.Ordinal));
        AssertEvidence(posted);
        rig.Slack.AssertNoViolations();

        static void AssertEvidence(string text)
        {
            Assert.Contains("FAIL successRate (critical)", text, StringComparison.Ordinal);  // decision
            Assert.Contains("is above the limit 1%", text, StringComparison.Ordinal);        // value against threshold, in words
            Assert.Contains("threshold", text, StringComparison.Ordinal);
            Assert.Contains("requests ", text, StringComparison.Ordinal);                    // sample sizes
            Assert.Matches(@"requests \d{3} canary, \d{4} stable", text);
            Assert.Contains($"destination_workload=\"{Canary}\"", text, StringComparison.Ordinal); // the query
            Assert.Contains("istio_requests_total", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LatencyRegressionAgainstStable_FailsTheRankTest_WhereTheAbsoluteLimitPasses_AndRollsBack()
    {
        // Every canary request takes 200 ms, every stable one 40 ms: the canary's p99 (about 250 ms, Istio's buckets) is well
        // under the 500 ms limit, but five times stable's.
        var metrics = new IstioMetrics("shop")
            .Traffic(Canary, T0.AddMinutes(-10), T0.AddMinutes(20), perSecond: 10, latencyMs: 200)
            .Traffic(Stable, T0.AddMinutes(-10), T0.AddMinutes(20), perSecond: 40, latencyMs: 40);
        const string latency = "    - {name: latencyP99, max: 500, maxRatioToStable: 1.2}\n  failureLimit: 2\n";
        await using var rig = await Rig.StartAsync(azurite, output, metrics, latency, "setWeight: 20", "analysis: {duration: 10m}", "promote: {}");
        var id = await rig.StartRolloutAsync();

        await rig.AdvanceAsync(Interval);
        var first = await rig.RolloutAsync(id);
        Assert.Equal("progressing", (string?)first["phase"]); // one failure of a non-critical metric: below failureLimit
        Assert.Equal(1, (int)first["analysis"]!["failures"]!);
        var metric = first["analysis"]!["metrics"]!.AsArray().Single()!;
        Assert.Equal("latencyP99", (string?)metric["metric"]);
        Assert.Equal("fail", (string?)metric["verdict"]);
        // The absolute rule passes: the canary's p99 is under its limit ...
        Assert.InRange((double)metric["canary"]!, 100, 500);
        Assert.Contains("<= 500 ms", (string?)metric["threshold"], StringComparison.Ordinal);
        // ... the relative one fails: slower than stable by rank, beyond the ratio.
        Assert.InRange((double)metric["pValue"]!, 0, 0.02);
        Assert.Contains("slower with p = ", (string?)metric["decision"], StringComparison.Ordinal);
        Assert.Contains("Mann-Whitney U", (string?)metric["decision"], StringComparison.Ordinal);
        Assert.Contains("limit 1.2x", (string?)metric["decision"], StringComparison.Ordinal);
        Assert.Equal((80, 20), rig.Cluster.Weights());

        await rig.AdvanceAsync(Interval);
        Assert.Equal("rolledBack", (string?)(await rig.RolloutAsync(id))["phase"]);
        Assert.Equal((100, 0), rig.Cluster.Weights());
        Assert.Contains(await rig.AuditAsync(id), e => (string?)e["action"] == "analysis-rollback");

        // The same canary, the same data, judged by the absolute limit alone (the config edited, a new rollout): promoted.
        rig.WriteConfig("    - {name: latencyP99, max: 500}\n  failureLimit: 2\n", "setWeight: 20", "analysis: {duration: 2m}", "promote: {}");
        var again = await rig.StartRolloutAsync("2.0.1");
        await rig.AdvanceAsync(Interval);
        await rig.AdvanceAsync(Interval);
        await rig.FinishPromotionAsync();
        var absolute = await rig.RolloutAsync(again);
        Assert.Equal("succeeded", (string?)absolute["phase"]);
        Assert.Equal("pass", (string?)absolute["analysis"]!["metrics"]![0]!["verdict"]);
    }

    [Fact]
    public async Task LowTraffic_IsNoVerdict_ExtendsTheStep_ThenAsksAPersonWithTheNumbersAndButtons()
    {
        var metrics = new IstioMetrics("shop")
            .Traffic(Canary, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 0.5)
            .Traffic(Stable, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 40);
        await using var rig = await Rig.StartAsync(azurite, output, metrics, SuccessRate + "  inconclusiveLimit: 3\n",
            "setWeight: 10", "analysis: {duration: 2m}", "promote: {}");
        var id = await rig.StartRolloutAsync();

        await rig.AdvanceAsync(Interval);
        var first = await rig.RolloutAsync(id);
        Assert.Equal("progressing", (string?)first["phase"]);
        Assert.Equal("noVerdict", (string?)first["analysis"]!["metrics"]![0]!["verdict"]);
        Assert.Equal(1, (int)first["analysis"]!["noVerdicts"]!);
        await rig.AdvanceAsync(Interval); // the step's 2m are up, with no passing verdict: extended
        await rig.AdvanceAsync(Interval);

        var view = await rig.RolloutAsync(id);
        Assert.Equal("paused", (string?)view["phase"]);
        Assert.Matches(@"^no verdict for 3 intervals: 3\d of 100 requests in 1m: too little traffic to judge\. Extend \(resume\), approve anyway, or roll back\?$",
            (string?)view["reason"]);
        Assert.Equal((90, 10), rig.Cluster.Weights()); // neither promoted nor rolled back
        var audit = await rig.AuditAsync(id);
        Assert.Contains(audit, e => (string?)e["action"] == "analysis-extend");
        Assert.DoesNotContain(audit, e => ((string?)e["action"])!.Contains("rollback", StringComparison.Ordinal));

        // Slack: the ask with the numbers in the thread, and the live message's buttons.
        Assert.Contains(rig.ThreadTexts(), t => t.Contains("no verdict (1 of 3): 30 of 100 requests in 1m: too little traffic to judge", StringComparison.Ordinal));
        Assert.Contains(rig.ThreadTexts(), t => t.Contains("(analysis 2m) extended by 1m: no passing verdict yet (no verdict (2 of 3): 30 of 100 requests in 1m", StringComparison.Ordinal));
        Assert.Contains(rig.ThreadTexts(), t => t.Contains("paused:", StringComparison.Ordinal) && t.Contains("of 100 requests in 1m", StringComparison.Ordinal)
            && t.Contains("Extend (resume), approve anyway, or roll back?", StringComparison.Ordinal));
        var live = Assert.Single(rig.Slack.Messages(Rig.Channel));
        var buttons = live.Blocks!.Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray())
            .Select(e => (string?)e!["text"]!["text"]).ToList();
        Assert.Equal(["Approve anyway", "Rollback", "Extend"], buttons);
        rig.Slack.AssertNoViolations();

        // Extend (resume, here through the command API): measuring again with fresh counters, one interval from now.
        var resumed = await rig.App.Client(TestAppRoot.ApproverKey).PostAsync($"/api/rollouts/{id}/resume", null);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var extended = await rig.RolloutAsync(id);
        Assert.Equal("progressing", (string?)extended["phase"]);
        Assert.Equal(0, (int)extended["analysis"]!["noVerdicts"]!);
        Assert.Equal(rig.Clock.GetUtcNow() + Interval, (DateTimeOffset)extended["analysis"]!["nextMeasurementAt"]!);
    }

    [Fact]
    public async Task PrometheusDown_PausesWithTheReason_AndNeverPromotes()
    {
        // A bake shorter than the interval: it ends before the first measurement, which must not count as a pass.
        await using var rig = await Rig.StartAsync(azurite, output, new IstioMetrics("shop"), SuccessRate + "  errorLimit: 2\n",
            "setWeight: 10", "pause: 30s", "promote: {}");
        rig.Prometheus.Stop();
        var id = await rig.StartRolloutAsync();

        await rig.AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("progressing", (string?)(await rig.RolloutAsync(id))["phase"]);
        Assert.Equal((90, 10), rig.Cluster.Weights());
        Assert.Contains(await rig.AuditAsync(id), e => (string?)e["action"] == "analysis-extend" && (string?)e["reason"] == "no verdict yet");
        await rig.AdvanceAsync(TimeSpan.FromSeconds(30));
        await rig.AdvanceAsync(Interval);

        var view = await rig.RolloutAsync(id);
        Assert.Equal("paused", (string?)view["phase"]);
        var reason = (string)view["reason"]!;
        Assert.StartsWith("the metrics source failed 2 times in a row", reason, StringComparison.Ordinal);
        Assert.Contains($"Prometheus at {rig.Prometheus.Url} did not answer", reason, StringComparison.Ordinal);
        Assert.Contains("will not promote on no data", reason, StringComparison.Ordinal);
        Assert.Contains(rig.ThreadTexts(), t => t.Contains("the metrics source failed 2 times in a row", StringComparison.Ordinal));

        // Time goes on: still paused, never promoted.
        await rig.AdvanceAsync(TimeSpan.FromMinutes(5));
        Assert.Equal("paused", (string?)(await rig.RolloutAsync(id))["phase"]);
        Assert.Equal((90, 10), rig.Cluster.Weights());
        Assert.DoesNotContain(await rig.AuditAsync(id), e => ((string?)e["action"])!.StartsWith("promot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FaultStepWithAnalysisOn_EndsInARollback_AndTheFaultIsRemoved()
    {
        // From T0 the fault aborts half of the route's requests with 503: the callers' proxies (reporter="source") see the 5xx,
        // the canary's own proxy only the half that still arrives. Judged on the source side, as the README says to.
        var metrics = new IstioMetrics("shop")
            .Traffic(Canary, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 5)
            .Traffic(Canary, T0.AddMinutes(-10), T0, perSecond: 10, reporter: "source")
            .Traffic(Canary, T0.AddSeconds(5), T0.AddMinutes(10), perSecond: 10, errorShare: 0.5, reporter: "source")
            .Traffic(Stable, T0.AddMinutes(-10), T0.AddMinutes(10), perSecond: 40);
        const string sourceErrors = """
                - name: callerErrors
                  query: '100 * sum(increase(istio_requests_total{reporter="source",destination_workload="{{canary}}",destination_workload_namespace="{{namespace}}",response_code=~"5.."}[{{interval}}])) / sum(increase(istio_requests_total{reporter="source",destination_workload="{{canary}}",destination_workload_namespace="{{namespace}}"}[{{interval}}]))'
                  max: 1
                  critical: true

            """;
        await using var rig = await Rig.StartAsync(azurite, output, metrics, sourceErrors,
            "setWeight: 20", "fault: {abort: {percent: 50, httpStatus: 503}}", "analysis: {duration: 10m}", "promote: {}");
        var id = await rig.StartRolloutAsync();

        var fault = rig.Cluster.Api.Get("virtualservices", "shop", "checkout")!["spec"]!["http"]!.AsArray()
            .Single(h => (string?)h!["name"] == "primary")!["fault"];
        Assert.NotNull(fault);
        Assert.Equal(503, (int)fault!["abort"]!["httpStatus"]!);
        Assert.Equal(50, (double)fault["abort"]!["percentage"]!["value"]!);

        await rig.AdvanceAsync(Interval);

        var view = await rig.RolloutAsync(id);
        Assert.Equal("rolledBack", (string?)view["phase"]);
        var metric = view["analysis"]!["metrics"]![0]!;
        Assert.Equal("callerErrors", (string?)metric["metric"]);
        Assert.InRange((double)metric["canary"]!, 40, 60);
        Assert.Equal((100, 0), rig.Cluster.Weights());
        var primary = rig.Cluster.Api.Get("virtualservices", "shop", "checkout")!["spec"]!["http"]!.AsArray().Single(h => (string?)h!["name"] == "primary")!;
        Assert.Null(primary["fault"]);
        Assert.Contains(await rig.AuditAsync(id), e => (string?)e["action"] == "analysis-rollback");
    }

    private const string SuccessRate = "    - {name: successRate, min: 99, minRequests: 100, critical: true}\n";

    /// <summary>The app over Azurite, the Kubernetes double and Slack double, a real Prometheus with the test's metrics, the
    /// injected clock at <see cref="T0"/>, and a service re-weighting the sample's <c>checkout</c> route with analysis on.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        public const string Channel = "C0ANALYSIS1";
        private readonly IQueueService _queues;
        private readonly ITestOutputHelper _output;

        private Rig(KubernetesTestCluster cluster, PrometheusServer prometheus, TestAppRoot root, SlackDouble slack, FakeTimeProvider clock,
            string service, IQueueService queues, ITestOutputHelper output)
        {
            Cluster = cluster; Prometheus = prometheus; Root = root; Slack = slack; Clock = clock; Service = service; _queues = queues; _output = output;
        }

        public KubernetesTestCluster Cluster { get; }
        public PrometheusServer Prometheus { get; }
        public TestAppRoot Root { get; }
        public SlackDouble Slack { get; }
        public FakeTimeProvider Clock { get; }
        public string Service { get; }
        public BotApplication App { get; private set; } = null!;
        public HttpClient Deployer { get; private set; } = null!;

        public static async Task<Rig> StartAsync(AzuriteFixture azurite, ITestOutputHelper output, IstioMetrics metrics, string analysisMetrics, params string[] steps)
        {
            var prometheus = await PrometheusServer.StartAsync(metrics);
            var cluster = await KubernetesTestCluster.StartAsync();
            var root = new TestAppRoot();
            var slack = new SlackDouble().WithChannel(Channel);
            var clock = new FakeTimeProvider(T0);
            var dueTable = "due" + Guid.NewGuid().ToString("N")[..12];
            var rig = new Rig(cluster, prometheus, root, slack, clock, "co-" + Guid.NewGuid().ToString("N")[..8], azurite.CreateQueueService(), output);
            rig.WriteConfig(analysisMetrics, steps);
            rig.App = new BotApplication(azurite, root, runTriggers: false, services: s =>
            {
                s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
                // Its own due index: the other tests' sweeps (on the real clock) must not run this test's rounds, nor this one theirs.
                s.Replace(ServiceDescriptor.Singleton<IDueIndex>(sp => new TableDueIndex(sp.GetRequiredService<ITableService>(), dueTable)));
                s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
                s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
                s.Configure<SlackOptions>(o => o.RetryBaseDelay = TimeSpan.Zero);
            }, settings: new Dictionary<string, string>
            {
                ["Traffic:Mode"] = "istio",
                ["Kubernetes:KubeconfigPath"] = cluster.Options.KubeconfigPath!,
                ["Kubernetes:RetryBaseDelay"] = "00:00:00.001",
                ["Sweep:OverdueGrace"] = "00:00:00",
            });
            rig.Deployer = rig.App.Client(TestAppRoot.DeployerKey);
            foreach (var q in new[] { root.Queue, root.NotificationsQueue }) await rig._queues.CreateIfNotExistsAsync(q, default);
            return rig;
        }

        /// <summary>(Re)writes the service's release config: analysis every minute with <paramref name="analysisMetrics"/> (YAML
        /// list items under <c>metrics:</c>, optionally followed by more <c>analysis</c> keys), and the steps.</summary>
        public void WriteConfig(string analysisMetrics, params string[] steps) =>
            File.WriteAllText(Path.Combine(Root.ConfigDir, Service + ".yaml"),
                $"service: {Service}\nnamespace: shop\nroute: {{virtualService: checkout, name: primary, destinationRule: checkout}}\n"
                + $"deployments: {{canary: {Canary}, stable: {Stable}, image: \"registry.example.com/shop/checkout:{{version}}\"}}\n"
                + $"chat: {{channel: {Channel}}}\n"
                + $"analysis:\n  prometheus: {{url: \"{Prometheus.Url}\"}}\n  interval: 1m\n  metrics:\n{analysisMetrics}"
                + "steps:\n" + string.Concat(steps.Select(x => $"  - {x}\n")));

        public async Task<string> StartRolloutAsync(string version = "2.0.0")
        {
            var start = await Deployer.PostJsonAsync("/api/rollouts", new { service = Service, version });
            Assert.Equal(HttpStatusCode.Created, start.StatusCode);
            var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
            await RunDueAsync();
            return id;
        }

        /// <summary>Moves the bot's clock on and runs what is due then.</summary>
        public async Task AdvanceAsync(TimeSpan by)
        {
            Clock.Advance(by);
            await RunDueAsync();
        }

        /// <summary>A promotion moved the stable Deployment to the new image: its rollout finishes (what Kubernetes' Deployment
        /// controller would write) and the bot's readiness re-check runs.</summary>
        public async Task FinishPromotionAsync()
        {
            Cluster.Api.CompleteRollout("shop", Stable);
            await AdvanceAsync(Bot.Core.Rollouts.RolloutMachine.DeploymentRecheckInterval);
        }

        /// <summary>The timer, then every visible step message (those they make due now too), then every notice.</summary>
        public async Task RunDueAsync()
        {
            await Invoke("Sweep", null);
            _output.WriteLine($"{Clock.GetUtcNow():HH:mm:ss} sweep ran");
            while (await DeliverAsync(Root.Queue, "RolloutSteps") > 0) { }
            while (await DeliverAsync(Root.NotificationsQueue, "Notifications") > 0) { }
        }

        private async Task<int> DeliverAsync(string queue, string function)
        {
            var batch = await _queues.ReceiveAsync(queue, 32, TimeSpan.FromSeconds(30), default);
            foreach (var m in batch)
            {
                await Invoke(function, m.Text);
                _output.WriteLine($"{Clock.GetUtcNow():HH:mm:ss} {function}: {m.MessageId} done");
                await _queues.DeleteMessageAsync(queue, m.MessageId, m.PopReceipt, default);
            }
            return batch.Count;
        }

        /// <summary>Runs a function of functions.metadata once, in a scope of its own, as the standalone host's trigger does
        /// (a queue function on <paramref name="message"/>, the timer when it is null); a failure throws.</summary>
        private async Task Invoke(string function, string? message)
        {
            var catalog = App.Services.GetRequiredService<Bot.Functions.Hosting.FunctionCatalog>();
            var invoker = new Bot.Functions.Hosting.FunctionInvoker(catalog.Find(function)!, typeof(Program).Assembly);
            await using var scope = App.Services.CreateAsyncScope();
            if (message is null) await invoker.InvokeTimerAsync(scope.ServiceProvider, new Microsoft.Azure.Functions.Worker.TimerInfo(), default);
            else await invoker.InvokeQueueAsync(scope.ServiceProvider, message, default);
        }

        public async Task<JsonNode> RolloutAsync(string id) => await (await Deployer.GetAsync($"/api/rollouts/{id}")).JsonAsync();

        public async Task<IReadOnlyList<JsonNode>> AuditAsync(string id) =>
            [.. (await (await Deployer.GetAsync($"/api/services/{Service}/audit?rolloutId={id}")).JsonAsync()).AsArray().Select(e => e!)];

        /// <summary>The text of every reply in the rollout's Slack thread.</summary>
        public IReadOnlyList<string> ThreadTexts() =>
            [.. Slack.Messages(Channel).SelectMany(m => Slack.Thread(Channel, m.Ts)).Select(m => m.Text ?? "")];

        public async ValueTask DisposeAsync()
        {
            Deployer.Dispose();
            await App.DisposeAsync();
            await Cluster.DisposeAsync();
            await Prometheus.DisposeAsync();
            Root.Dispose();
        }
    }
}

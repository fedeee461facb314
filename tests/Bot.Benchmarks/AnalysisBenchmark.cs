using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bot.Adapters.Prometheus;
using Bot.Adapters.Slack;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Bot.TestKit.Prometheus;
using Bot.TestKit.Slack;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Benchmarks;

/// <summary>
/// Issue 12: from a breach becoming visible in Prometheus to the canary's weight at 0 in the VirtualService, with a 10 s
/// analysis interval. Real parts on the real clock: the whole app (Program, the repository's host.json and function
/// folders, standalone queue triggers) on Azurite, the Kubernetes API double, and a real Prometheus scraping, every second,
/// Istio counters this benchmark serves (<see cref="IstioScrapeTarget"/>). Per trial a rollout takes 20% of the traffic; at a
/// chosen phase of its analysis loop the canary starts answering 30% 503s; "visible" is the first moment the bot's own
/// 5xx query (<see cref="AnalysisQueries.Errors"/>) answers above 0, polled every 20 ms; "canary 0" is the first moment the
/// double holds the route at 0%, polled every 10 ms. Target: at most interval + 1 s. Reference: Flagger rolls back after
/// <c>interval × threshold</c> (docs.flagger.app, usage/deployment-strategies), with its default interval of 60 s
/// (usage/how-it-works) and threshold 5 (its Istio tutorial's canary).
/// </summary>
public sealed class AnalysisBenchmark : IBenchmark
{
    private const int Trials = 5;
    private const string DeployerKey = "bench-deployer-key-0123456789";
    private const string Canary = "checkout-canary";
    private const string Stable = "checkout-stable";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FlaggerInterval = TimeSpan.FromSeconds(60);
    private const int FlaggerThreshold = 5;

    public string Name => "analysis";
    public string Description => "breach visible in a real Prometheus to canary 0 in the VirtualService, 10 s analysis interval, next to Flagger's interval x threshold";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        await using var k8s = await KubernetesTestCluster.StartAsync();
        await using var target = await IstioScrapeTarget.StartAsync("shop");
        target.Set(Canary, perSecond: 50);
        target.Set(Stable, perSecond: 200);
        await using var prometheus = await PrometheusServer.StartAsync(scrape: target.Url, scrapeInterval: TimeSpan.FromSeconds(1), ct: ct);
        var root = Directory.CreateTempSubdirectory("releasebot-bench-analysis-").FullName;
        try
        {
            var config = WriteAppRoot(root, prometheus.Url);
            var slack = new SlackDouble();
            await using var factory = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
            {
                foreach (var (k, v) in Settings(root, config, azurite.ConnectionString, k8s.Options.KubeconfigPath!)) b.UseSetting(k, v);
                b.UseContentRoot(root);
                b.UseEnvironment("Development");
                b.ConfigureLogging(l => l.ClearProviders());
                b.ConfigureTestServices(s =>
                {
                    s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => slack);
                    s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => slack);
                });
            });
            using var deployer = factory.CreateClient();
            deployer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DeployerKey);
            using var promHttp = new HttpClient();
            var prom = new PrometheusClient(promHttp);
            var endpoint = new PrometheusEndpoint(prometheus.Url, null, null, null);
            var errors = AnalysisQueries.Errors(new AnalysisQueries.Side("canary",
                $"reporter=\"destination\",destination_workload_namespace=\"shop\",destination_workload=\"{Canary}\"", Canary), Interval);
            // Wait for Prometheus to have a few scrapes, so the first round has a full window of traffic.
            await Task.Delay(TimeSpan.FromSeconds(3), ct);

            var reactions = new List<double>();
            var lateness = new List<double>();
            var lines = new List<string>();
            for (var trial = 0; trial < Trials; trial++)
            {
                target.Set(Canary, perSecond: 50);
                using var start = await deployer.PostAsJsonAsync("/api/rollouts", new { service = "checkout", version = $"1.0.{trial + 1}" }, ct);
                if (!start.IsSuccessStatusCode) throw new InvalidOperationException($"start: {(int)start.StatusCode} {await start.Content.ReadAsStringAsync(ct)}");
                var id = (string)JsonNode.Parse(await start.Content.ReadAsStringAsync(ct))!["rollout"]!["id"]!;
                await UntilAsync(() => k8s.Weights().Canary == 20, TimeSpan.FromSeconds(30), ct);
                var loopStart = Stopwatch.GetTimestamp();

                // The breach starts at a phase of the analysis loop spread over the trials (the first round is one interval
                // after the canary took traffic), so early and late breaches within an interval are both measured.
                var phase = TimeSpan.FromSeconds(1 + (Interval.TotalSeconds - 1) * trial / Math.Max(1, Trials - 1));
                await Task.Delay(phase, ct);
                target.Set(Canary, perSecond: 50, errorShare: 0.3);
                var zero = Task.Run(() => UntilAsync(() => k8s.Weights().Canary == 0, TimeSpan.FromSeconds(60), ct, poll: 10), ct);
                long visible;
                while (true)
                {
                    var at = Stopwatch.GetTimestamp();
                    var r = await prom.QueryAsync(endpoint, errors, DateTimeOffset.UtcNow, ct);
                    if (r is [{ Points: [{ Value: > 0 }] }]) { visible = at; break; }
                    await Task.Delay(20, ct);
                }
                var zeroAt = await zero;
                var reaction = Stopwatch.GetElapsedTime(visible, zeroAt).TotalSeconds;
                reactions.Add(reaction);
                // The cluster took the rollback; the run that wrote it commits the rolled-back state right after.
                JsonNode view = null!;
                var settled = Stopwatch.StartNew();
                while ((string?)(view = JsonNode.Parse(await deployer.GetStringAsync($"/api/rollouts/{id}", ct))!)["phase"] == "rollingBack" && settled.Elapsed < TimeSpan.FromSeconds(30))
                    await Task.Delay(50, ct);
                // How late the round that caught it measured, after it was due (the next round is due one interval after it).
                var late = view["analysis"]?["lastAt"] is { } lastAt && view["analysis"]?["nextMeasurementAt"] is { } nextAt
                    ? ((DateTimeOffset)lastAt - ((DateTimeOffset)nextAt - Interval)).TotalSeconds : double.NaN;
                lateness.Add(late);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"trial {trial + 1}: breach {phase.TotalSeconds:F1} s into the loop, visible {Stopwatch.GetElapsedTime(loopStart, visible).TotalSeconds:F1} s, " +
                    $"canary 0 after {reaction:F2} s (that round measured {late:F2} s after it was due); {view["phase"]}: {Clip((string?)view["reason"])}"));
                if ((string?)view["phase"] != "rolledBack") throw new InvalidOperationException($"{id} did not roll back: {view.ToJsonString()}");

                // Healthy again, and long enough that the next rollout's first window holds none of these 5xx.
                target.Set(Canary, perSecond: 50);
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }

            reactions.Sort();
            foreach (var l in lines) report.WriteLine(l);
            var p50 = reactions[reactions.Count / 2];
            var max = reactions[^1];
            var limit = Interval.TotalSeconds + 1;
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"interval {Interval.TotalSeconds:F0} s, {Trials} trials, scrape 1 s, host.json as in the repository: visible -> canary 0 p50 {p50:F2} s, max {max:F2} s " +
                $"(target <= {limit:F0} s: {(max <= limit ? "met" : "NOT met")})"));
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rounds measured {lateness.Min():F2}-{lateness.Max():F2} s after they were due (the step queue's delayed message, then the listener's polling back-off up to host.json maxPollingInterval)"));
            report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"reference, Flagger (rollback after interval x threshold failed checks): default interval {FlaggerInterval.TotalSeconds:F0} s x threshold {FlaggerThreshold} = " +
                $"{FlaggerInterval.TotalSeconds * FlaggerThreshold:F0} s; at this benchmark's 10 s interval, {Interval.TotalSeconds * FlaggerThreshold:F0} s"));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The repository's host.json and the build's functions.metadata (queues of this run's own) and one service with analysis on.</summary>
    private static string WriteAppRoot(string root, Uri prometheus)
    {
        File.Copy(Path.Combine(RepoPaths.Root, "host.json"), Path.Combine(root, "host.json"));
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", "Release", "net10.0", "functions.metadata"));
        foreach (var name in new[] { "rollout-steps", "slack-work", "github-work", "notifications" })
            text = text.Replace($"\"{name}\"", $"\"{AzuriteFixture.NewName(name.Split('-')[0])}\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(root, "functions.metadata"), text);
        var config = Directory.CreateDirectory(Path.Combine(root, "config")).FullName;
        File.WriteAllText(Path.Combine(config, "checkout.yaml"), $"""
            service: checkout
            namespace: shop
            route: {"{"}virtualService: checkout, name: primary, destinationRule: checkout{"}"}
            deployments: {"{"}canary: {Canary}, stable: {Stable}, image: "registry.example.com/shop/checkout:{"{"}version{"}"}"{"}"}
            analysis:
              prometheus: {"{"}url: "{prometheus}"{"}"}
              interval: 10s
              metrics:
                - {"{"}name: successRate, min: 99, minRequests: 100, critical: true{"}"}
            steps:
              - setWeight: 20
              - analysis: {"{"}duration: 10m{"}"}
              - promote: {"{"}{"}"}
            """);
        return config;
    }

    private static Dictionary<string, string> Settings(string root, string config, string storage, string kubeconfig) => new()
    {
        ["AzureWebJobsStorage"] = storage,
        ["Bot:AppRoot"] = root,
        ["Bot:RunTriggers"] = "true",
        ["ReleaseConfig:Directory"] = config,
        ["Traffic:Mode"] = "istio",
        ["Kubernetes:KubeconfigPath"] = kubeconfig,
        ["CommandApi:Keys:0:Name"] = "deployer",
        ["CommandApi:Keys:0:Key"] = DeployerKey,
        ["Slack:BotToken"] = SlackDouble.BotToken,
        ["Slack:SigningSecret"] = "bench-slack-signing-secret",
    };

    private static async Task<long> UntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct, int poll = 50)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var at = Stopwatch.GetTimestamp();
            if (condition()) return at;
            if (at > deadline) throw new TimeoutException($"not reached within {timeout.TotalSeconds:F0} s");
            await Task.Delay(poll, ct);
        }
    }

    private static string Clip(string? s) => s is null ? "" : s.Length <= 140 ? s : s[..139] + "…";
}

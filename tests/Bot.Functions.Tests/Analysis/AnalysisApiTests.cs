using System.Net;
using System.Text.Json.Nodes;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Prometheus;

namespace Bot.Functions.Tests.Analysis;

/// <summary><c>GET /api/rollouts/{id}/analysis</c> through the whole app, against a real Prometheus holding the last ten
/// minutes of Istio metrics for the service (backfilled).</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class AnalysisApiTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ErrorSpikeOnTheCanary_IsAFailWithTheEvidence_AndNothingChanges()
    {
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        var now = DateTimeOffset.UtcNow;
        await using var prometheus = await PrometheusServer.StartAsync(new IstioMetrics("shop")
            .Traffic($"{service}-canary", now.AddMinutes(-10), now, perSecond: 10, errorShare: 0.2)
            .Traffic(service, now.AddMinutes(-10), now, perSecond: 90, errorShare: 0.001));
        using var root = new TestAppRoot();
        root.AddService(service, "setWeight: 10", "approval: {}", "promote: {}");
        AddAnalysis(root, service, prometheus.Url);
        await using var app = new BotApplication(azurite, root);
        var deployer = app.Client(TestAppRoot.DeployerKey);
        var id = (string)(await (await deployer.PostJsonAsync("/api/rollouts", new { service, version = "2.0.0" })).JsonAsync())["rollout"]!["id"]!;
        var before = await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");

        var response = await deployer.GetAsync($"/api/rollouts/{id}/analysis");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("fail", (string?)body["verdict"]);
        Assert.True((bool)body["criticalFailure"]!);
        var metric = body["metrics"]!.AsArray().Single()!;
        Assert.Equal("successRate", (string?)metric["metric"]);
        Assert.InRange((double)metric["canary"]!, 0.15, 0.25);
        Assert.InRange((long)metric["canaryRequests"]!, 500, 700);
        Assert.Contains($"destination_workload=\"{service}-canary\"", (string?)metric["query"], StringComparison.Ordinal);
        Assert.Contains("is above the limit 1%", (string?)metric["decision"], StringComparison.Ordinal);
        // A reading: the rollout is where it was.
        var after = await (await deployer.GetAsync($"/api/rollouts/{id}")).JsonAsync();
        Assert.Equal((string?)before["phase"], (string?)after["phase"]);
        Assert.Equal((int)before["canaryWeight"]!, (int)after["canaryWeight"]!);
    }

    [Fact]
    public async Task PrometheusDown_Is503ProblemNamingIt_NoAnalysis_Is404()
    {
        var service = "shop-" + Guid.NewGuid().ToString("N")[..8];
        var plain = "plain-" + Guid.NewGuid().ToString("N")[..8];
        await using var prometheus = await PrometheusServer.StartAsync();
        prometheus.Stop();
        using var root = new TestAppRoot();
        root.AddService(service, "setWeight: 10", "approval: {}", "promote: {}");
        AddAnalysis(root, service, prometheus.Url);
        root.AddService(plain, "setWeight: 10", "approval: {}", "promote: {}");
        await using var app = new BotApplication(azurite, root);
        var deployer = app.Client(TestAppRoot.DeployerKey);
        async Task<string> StartAsync(string s) => (string)(await (await deployer.PostJsonAsync("/api/rollouts", new { service = s, version = "2.0.0" })).JsonAsync())["rollout"]!["id"]!;

        var down = await deployer.GetAsync($"/api/rollouts/{await StartAsync(service)}/analysis");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Equal("application/problem+json", down.Content.Headers.ContentType!.MediaType);
        Assert.Contains($"Prometheus at {prometheus.Url} did not answer", (string?)(await down.JsonAsync())["detail"], StringComparison.Ordinal);

        var none = await deployer.GetAsync($"/api/rollouts/{await StartAsync(plain)}/analysis");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Contains("has no analysis section", (string?)(await none.JsonAsync())["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await deployer.GetAsync($"/api/rollouts/{service}-99/analysis")).StatusCode);
    }

    private static void AddAnalysis(TestAppRoot root, string service, Uri prometheus) =>
        File.AppendAllText(Path.Combine(root.ConfigDir, service + ".yaml"), $"""
            analysis:
              prometheus: {"{"}url: "{prometheus}"{"}"}
              interval: 1m
              metrics:
                - {"{"}name: successRate, min: 99, minRequests: 100, critical: true{"}"}

            """);
}

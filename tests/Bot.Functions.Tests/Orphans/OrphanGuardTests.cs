using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Adapters.Slack;
using Bot.Core.Ports;
using Bot.Functions.Sweep;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Bot.TestKit.Slack;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Orphans;

/// <summary>Finding 7 (orphaned canary traffic): the whole app on Azurite, its router on the Kubernetes double (the
/// sample's VirtualService shop/checkout) and Slack on the Slack double.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class OrphanGuardTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Channel = "C0ORPHAN01";
    private KubernetesTestCluster _k = null!;
    private readonly SlackDouble _slack = new SlackDouble().WithChannel(Channel);
    private readonly TestAppRoot _root = new();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync() => _k = await KubernetesTestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        _slack.AssertNoViolations();
        await _k.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>A service whose route is the VirtualService <paramref name="virtualService"/> in shop, told in <see cref="Channel"/>;
    /// only <c>deployer</c> may deploy (and so restore), approvals by <c>approver</c>.</summary>
    private string AddService(string name, string virtualService, params string[] steps)
    {
        var service = $"{name}-{_suffix}";
        File.WriteAllText(Path.Combine(_root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: {virtualService}, name: primary}}\nchat: {{channel: {Channel}}}\n" +
            $"deployments: {{canary: {virtualService}-canary, stable: {virtualService}-stable, image: \"registry.example.com/shop/{virtualService}:{{version}}\"}}\n" +
            "deployers: [deployer]\napprovers: [approver]\nsteps:\n" + string.Concat((steps.Length == 0 ? ["setWeight: 10", "promote: {}"] : steps).Select(s => $"  - {s}\n")));
        return service;
    }

    private BotApplication App(bool runTriggers = false) => new(azurite, _root, runTriggers, s =>
    {
        s.AddSingleton<ITrafficRouter>(_k.Router); // the Istio router on the double, instead of the recording one
        s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => _slack);
        s.Configure<SweepOptions>(o => o.OrphanScanInterval = TimeSpan.Zero); // scan on every sweep: "once" is the registry's doing
    });

    private static async Task<IReadOnlyList<string>> SweepAsync(BotApplication app) =>
        await app.Services.GetRequiredService<SweepFunction>().RunAsync(default);

    private JsonObject Vs(string name = "checkout") => _k.Api.Get("virtualservices", "shop", name)!;


    private static JsonObject? OrphanOf(JsonNode health, string service) =>
        (health["dependencies"]?["orphans"]?["data"]?["orphans"] as JsonArray ?? []).OfType<JsonObject>().SingleOrDefault(o => (string?)o["service"] == service);

    private IReadOnlyList<SlackPosted> OrphanReports() => _slack.Messages(Channel).Where(m => m.Text?.Contains("Orphaned canary traffic", StringComparison.Ordinal) == true).ToList();

    [Fact]
    public async Task Sweep_CanaryLeftAt90_10WithAnnotationAndNoRollout_ReportedOnceInSlackAndHealth_RestoreReturnsItTo100_0WithAudit()
    {
        var checkout = AddService("checkout", "checkout");
        var payments = AddService("payments", "payments");
        // What storage losing the rollout leaves behind: the bot wrote 90/10 (annotation included), and no rollout knows it.
        await _k.Router.SetWeightAsync(KubernetesTestCluster.Checkout(withDeployments: false), 10, null, default);
        // Someone else's 90/10 on another VirtualService, without the bot's annotation: not the bot's to report.
        var copy = Vs().DeepClone().AsObject();
        copy["metadata"] = new JsonObject { ["name"] = "payments", ["namespace"] = "shop" };
        _k.Api.Create(copy);
        _k.Api.Edit("virtualservices", "shop", "payments", vs =>
        {
            foreach (var d in vs["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == "primary")!["route"]!.AsArray())
                d!["weight"] = (string?)d["destination"]!["subset"] == "canary" ? 10 : 90;
        });
        Assert.Equal((90, 10), _k.Weights("payments"));
        Assert.Null(VirtualServiceRoutes.RecordedWeights(Vs("payments"), "primary"));

        await using var app = App();
        var deployer = app.Client(TestAppRoot.DeployerKey);

        var watch = Stopwatch.StartNew();
        var first = await SweepAsync(app);
        output.WriteLine($"first sweep with the orphan scan: {watch.ElapsedMilliseconds} ms; {string.Join(" | ", first)}");
        await SweepAsync(app);
        await SweepAsync(app);

        var report = Assert.Single(OrphanReports()); // three sweeps, one message
        Assert.Contains($"*{checkout}*", report.Text, StringComparison.Ordinal);
        Assert.Contains("VirtualService shop/checkout route 'primary' sends stable 90 / canary 10", report.Text, StringComparison.Ordinal);
        Assert.Contains($"/release restore {checkout}", report.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(payments, report.Text, StringComparison.Ordinal);

        var healthAnswer = await app.Client(null).GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, healthAnswer.StatusCode);
        var health = await healthAnswer.JsonAsync();
        output.WriteLine(health.ToJsonString());
        Assert.Equal("Degraded", (string?)health["status"]);
        Assert.Equal("Degraded", (string?)health["dependencies"]!["orphans"]!["status"]);
        var listed = OrphanOf(health, checkout) ?? throw new Xunit.Sdk.XunitException($"{checkout} not listed: {health.ToJsonString()}");
        Assert.Equal("shop/checkout", (string?)listed["virtualService"]);
        Assert.Equal("primary", (string?)listed["route"]);
        Assert.Equal(90, (int)listed["weights"]!["stable"]!);
        Assert.Equal(10, (int)listed["weights"]!["canary"]!);
        Assert.NotNull((string?)listed["since"]);
        Assert.Null(OrphanOf(health, payments));

        // Restore: allowed to whoever may roll the service back (deployers and approvers), audited, and refused when nothing is left.
        var byApprover = await app.Client(TestAppRoot.ApproverKey).PostAsync($"/api/services/{checkout}/restore", null);
        Assert.Equal(HttpStatusCode.OK, byApprover.StatusCode); // approvers may roll back, so they may restore
        Assert.Equal((100, 0), _k.Weights());
        Assert.Equal(new RouteWeights(100, 0), VirtualServiceRoutes.RecordedWeights(Vs(), "primary"));
        Assert.Contains("restored", (string)(await byApprover.JsonAsync())["message"]!, StringComparison.Ordinal);

        var again = await deployer.PostAsync($"/api/services/{checkout}/restore", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("nothing to restore", (string)(await again.JsonAsync())["detail"]!, StringComparison.Ordinal);

        var audit = (JsonArray)await (await deployer.GetAsync($"/api/services/{checkout}/audit")).JsonAsync();
        var record = Assert.Single(audit, a => (string?)a!["action"] == "restore")!;
        Assert.Equal("approver", (string?)record["by"]);
        Assert.Equal("api", (string?)record["surface"]);
        Assert.Contains("stable 90 / canary 10 -> stable 100 / canary 0", (string?)record["reason"], StringComparison.Ordinal);

        // Restored: health no longer lists it, the next sweep finds nothing new to say.
        await SweepAsync(app);
        var after = await (await app.Client(null).GetAsync("/api/health")).JsonAsync();
        Assert.Null(OrphanOf(after, checkout));
        Assert.Single(OrphanReports());
    }

    [Fact]
    public async Task Restore_ByNeitherDeployerNorApprover_403AndTrafficUnchanged()
    {
        var checkout = AddService("checkout", "checkout");
        File.WriteAllText(Path.Combine(_root.ConfigDir, checkout + ".yaml"), File.ReadAllText(Path.Combine(_root.ConfigDir, checkout + ".yaml"))
            .Replace("approvers: [approver]", "approvers: [sre-lead]", StringComparison.Ordinal));
        await _k.Router.SetWeightAsync(KubernetesTestCluster.Checkout(withDeployments: false), 10, null, default);
        await using var app = App();

        var refused = await app.Client(TestAppRoot.ApproverKey).PostAsync($"/api/services/{checkout}/restore", null);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("deployer", (string)(await refused.JsonAsync())["detail"]!, StringComparison.Ordinal);
        Assert.Equal((90, 10), _k.Weights());
        var audit = (JsonArray)await (await app.Client(TestAppRoot.DeployerKey).GetAsync($"/api/services/{checkout}/audit")).JsonAsync();
        Assert.DoesNotContain(audit, a => (string?)a!["action"] == "restore");
    }

    [Fact]
    public async Task Sweep_ActiveRolloutAt90_10_NotReported_AndRestoreRefusedInFavourOfRollback()
    {
        var checkout = AddService("checkout", "checkout", "setWeight: 10", "approval: {}", "promote: {}");
        await using var app = App(runTriggers: true);
        var deployer = app.Client(TestAppRoot.DeployerKey);
        var start = await deployer.PostJsonAsync("/api/rollouts", new { service = checkout, version = "1.4.2" });
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
        await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
        Assert.Equal((90, 10), _k.Weights());
        Assert.Equal(new RouteWeights(90, 10), VirtualServiceRoutes.RecordedWeights(Vs(), "primary"));

        await SweepAsync(app);

        Assert.Empty(OrphanReports());
        Assert.Null(OrphanOf(await (await app.Client(null).GetAsync("/api/health")).JsonAsync(), checkout));

        var refused = await deployer.PostAsync($"/api/services/{checkout}/restore", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"/release rollback {checkout}", (string)(await refused.JsonAsync())["detail"]!, StringComparison.Ordinal);
        Assert.Equal((90, 10), _k.Weights());
    }
}

using Bot.Functions.Orphans;
using Bot.Functions.Sweep;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Bot.TestKit.Slack;
using Bot.Core.Config;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.Orphans;

/// <summary>The guard on its own: the scan's throttle and "once per orphan" when Slack fails (Azurite registry, Kubernetes
/// and Slack doubles, fake clock).</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class OrphanGuardScanTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Channel = "C0ORPHAN02";
    private KubernetesTestCluster _k = null!;
    private readonly SlackDouble _slack = new SlackDouble().WithChannel(Channel);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero));
    private readonly string _service = "checkout-" + Guid.NewGuid().ToString("N")[..6];

    public async Task InitializeAsync()
    {
        _k = await KubernetesTestCluster.StartAsync();
        await _k.Router.SetWeightAsync(KubernetesTestCluster.Checkout(withDeployments: false), 10, null, default);
    }

    public async Task DisposeAsync()
    {
        _slack.AssertNoViolations();
        await _k.DisposeAsync();
    }

    private OrphanGuard Guard(TimeSpan interval) => new(
        new StaticReleaseConfigs(new ReleaseConfig
        {
            Service = _service, Namespace = "shop", ChatChannel = Channel,
            Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
            Steps = [new SetWeightStep(10), new PromoteStep()],
        }),
        new InMemoryRolloutStore(), _k.Router, new OrphanRegistry(azurite.CreateTableService(), AzuriteFixture.NewName("orph")), _clock,
        Options.Create(new SweepOptions { OrphanScanInterval = interval }), NullLogger<OrphanGuard>.Instance,
        _slack.CreateClient(TimeProvider.System)); // Slack retries wait on the real clock

    private int VirtualServiceReads() => _k.Api.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/virtualservices/", StringComparison.Ordinal));

    [Fact]
    public async Task ScanIfDueAsync_WithinTheInterval_ReadsNothing()
    {
        var guard = Guard(TimeSpan.FromMinutes(5));
        var reads = VirtualServiceReads();

        Assert.NotNull(await guard.ScanIfDueAsync(default));
        Assert.Equal(reads + 1, VirtualServiceReads());
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(await guard.ScanIfDueAsync(default)); // throttled: no Kubernetes read at all
        Assert.Equal(reads + 1, VirtualServiceReads());
        _clock.Advance(TimeSpan.FromMinutes(1));
        var again = await guard.ScanIfDueAsync(default);

        Assert.Equal(reads + 2, VirtualServiceReads());
        var orphan = Assert.Single(again!.Orphans);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 16, 0, 0, TimeSpan.Zero), orphan.Since); // since the first scan that found it
        Assert.Single(_slack.Messages(Channel));
    }

    [Fact]
    public async Task ScanAsync_SlackFailsTheFirstTime_ReportedByTheNextScanThenNeverAgain()
    {
        var guard = Guard(TimeSpan.Zero);
        _slack.FailNext("chat.postMessage", "channel_not_found");

        var first = await guard.ScanAsync(default);
        Assert.Empty(_slack.Messages(Channel));
        Assert.Contains(first.Lines, l => l.Contains("channel_not_found", StringComparison.Ordinal));

        var second = await guard.ScanAsync(default);
        await guard.ScanAsync(default);

        Assert.Equal(1, second.Reported);
        Assert.Single(_slack.Messages(Channel));
        Assert.NotNull(Assert.Single(second.Orphans).ReportedAt);
    }
}

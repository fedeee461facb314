using Bot.Adapters.Kubernetes;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

/// <summary><see cref="IstioTrafficRouter.ReadAsync"/>: the route's live weights and the bot's annotation, in one GET, writing nothing.</summary>
public sealed class IstioTrafficInspectorTests : IAsyncLifetime
{
    private KubernetesTestCluster _k = null!;
    private static readonly TrafficTarget Target = KubernetesTestCluster.Checkout(withDeployments: false);

    public async Task InitializeAsync() => _k = await KubernetesTestCluster.StartAsync();

    public async Task DisposeAsync() => await _k.DisposeAsync();

    private int Writes() => _k.Api.Requests.Count(r => r.Method is "PATCH" or "PUT");

    [Fact]
    public async Task ReadAsync_NeverWrittenByTheBot_LiveWeightsWithoutRecord()
    {
        var reading = await _k.Router.ReadAsync(Target, default);

        Assert.Equal(new RouteReading(100, 0), reading);
        Assert.False(reading.WrittenByBot);
        Assert.Equal(0, Writes());
    }

    [Fact]
    public async Task ReadAsync_AfterTheBotWrote10ThenSomeoneMovedIt_LiveAndRecordedWeights()
    {
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            foreach (var d in vs["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == "primary")!["route"]!.AsArray())
                d!["weight"] = (string?)d["destination"]!["subset"] == "canary" ? 30 : 70;
        });
        var writes = Writes();
        var reads = _k.Api.Requests.Count(r => r.Method == "GET");

        var reading = await _k.Router.ReadAsync(Target, default);

        Assert.Equal(new RouteReading(70, 30, 90, 10), reading);
        Assert.True(reading.WrittenByBot);
        Assert.Equal(writes, Writes());
        Assert.Equal(reads + 1, _k.Api.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task ReadAsync_MissingRoute_SaysWhichRoutesExist()
    {
        var wrong = Target with { Route = new RouteSpec { VirtualService = "checkout", RouteName = "main", DestinationRule = "checkout" } };

        var e = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Router.ReadAsync(wrong, default));

        Assert.Contains("route 'main' not found; routes found: internal-health, primary", e.Message);
        Assert.StartsWith("VirtualService shop/checkout", e.Message);
    }
}

using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Core.Ports;
using Bot.TestKit.Kubernetes;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.Tests.Kubernetes;

/// <summary>Finding 6: the router keeps the fence sequence in the weights annotation, written in the same guarded patch, and drops
/// writes older than it.</summary>
public sealed class IstioTrafficRouterFenceTests : IAsyncLifetime
{
    private KubernetesTestCluster _k = null!;
    private readonly ListLogger _log = new();
    private IstioTrafficRouter _router = null!;
    private static readonly TrafficTarget Target = KubernetesTestCluster.Checkout();

    public async Task InitializeAsync()
    {
        _k = await KubernetesTestCluster.StartAsync();
        _router = new IstioTrafficRouter(_k.Clients, _k.Options, _k.Deployments, _log);
    }

    public async Task DisposeAsync() => await _k.DisposeAsync();

    private JsonObject Vs() => _k.Api.Get("virtualservices", "shop", "checkout")!;

    private string? Annotation() => (string?)Vs()["metadata"]!["annotations"]?[VirtualServiceRoutes.WeightsAnnotation];

    private (int Stable, int Canary) Weights()
    {
        var dests = Vs()["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == "primary")!["route"]!.AsArray();
        int W(string subset) => (int)dests.Single(d => (string?)d!["destination"]!["subset"] == subset)!["weight"]!;
        return (W("stable"), W("canary"));
    }

    private int Patches() => _k.Api.Requests.Count(r => r.Method == "PATCH");

    [Fact]
    public async Task SetWeight_Fenced_SequenceInAnnotationInTheSameGuardedPatch()
    {
        var result = await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);

        Assert.Equal(new TrafficWriteResult(TrafficWriteOutcome.Applied, 1), result);
        Assert.Equal("""{"primary":{"stable":90,"canary":10,"sequence":1}}""", Annotation());
        var ops = JsonNode.Parse(_k.Api.Requests.Single(r => r.Method == "PATCH").Body!)!.AsArray();
        Assert.Equal("test", (string?)ops[0]!["op"]);
        Assert.Equal("/metadata/resourceVersion", (string?)ops[0]!["path"]);
        Assert.Contains(ops, o => ((string?)o!["path"])!.StartsWith("/metadata/annotations", StringComparison.Ordinal));
        Assert.Contains(ops, o => ((string?)o!["path"])!.StartsWith("/spec/http", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetWeight_OlderSequenceThanTheRoute_DroppedWithWarningNothingWritten()
    {
        await _router.SetWeightAsync(Target, 50, new TrafficFence(2, 0), default);
        var patches = Patches();

        var late = await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);

        Assert.Equal(TrafficWriteOutcome.Stale, late.Outcome);
        Assert.Equal(2, late.LiveSequence);
        Assert.Contains("sequence 1", late.Message, StringComparison.Ordinal);
        Assert.Equal(patches, Patches());
        Assert.Equal((50, 50), Weights());
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("stale traffic write (sequence 1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetWeight_SameSequenceAgain_Idempotent()
    {
        await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);
        var again = await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);

        Assert.Equal(TrafficWriteOutcome.Unchanged, again.Outcome);
        Assert.Equal(1, Patches());
    }

    [Fact]
    public async Task SetWeight_NewerSequenceWeightAlreadyInPlace_RecordsTheSequenceOnly()
    {
        await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);
        var result = await _router.SetWeightAsync(Target, 10, new TrafficFence(3, 10), default);

        Assert.Equal(TrafficWriteOutcome.Applied, result.Outcome);
        Assert.Equal("""{"primary":{"stable":90,"canary":10,"sequence":3}}""", Annotation());
        var ops = JsonNode.Parse(_k.Api.Requests.Last(r => r.Method == "PATCH").Body!)!.AsArray();
        Assert.DoesNotContain(ops, o => ((string?)o!["path"])!.StartsWith("/spec", StringComparison.Ordinal));
        Assert.True((await _router.SetWeightAsync(Target, 50, new TrafficFence(2, 10), default)).IsStale);
    }

    [Fact]
    public async Task OldAnnotationWithoutSequence_ReadAsZero()
    {
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
            vs["metadata"]!["annotations"] = new JsonObject { [VirtualServiceRoutes.WeightsAnnotation] = """{"primary":{"stable":100,"canary":0}}""" });
        Assert.Equal(0, VirtualServiceRoutes.RecordedSequence(Vs(), "primary"));

        var result = await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);

        Assert.Equal(TrafficWriteOutcome.Applied, result.Outcome);
        Assert.Equal(1, VirtualServiceRoutes.RecordedSequence(Vs(), "primary"));
    }

    [Fact]
    public async Task Rollback_FromDrift_AllowedButFencedAgainstOlderWrites()
    {
        await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);
        await _router.SetWeightAsync(Target, 30, new TrafficFence(2, 10), default);
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            var dests = vs["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == "primary")!["route"]!.AsArray();
            dests[0]!["weight"] = 60;
            dests[1]!["weight"] = 40;
        });
        await Assert.ThrowsAsync<TrafficDriftException>(() => _router.SetWeightAsync(Target, 50, new TrafficFence(3, 30), default));

        // A late rollback decided before the second write is older than the route: dropped, even though the route drifted.
        Assert.True((await _router.RollbackAsync(Target, new TrafficFence(1, 10), default)).IsStale);
        Assert.Equal((60, 40), Weights());

        var rollback = await _router.RollbackAsync(Target, new TrafficFence(4, 30), default);
        Assert.Equal(TrafficWriteOutcome.Applied, rollback.Outcome);
        Assert.Equal((100, 0), Weights());
        Assert.Equal(4, VirtualServiceRoutes.RecordedSequence(Vs(), "primary"));
    }

    [Fact]
    public async Task HeaderRouteAndMirror_Fenced_KeepRecordedWeights()
    {
        await _router.SetWeightAsync(Target, 20, new TrafficFence(1, 0), default);
        await _router.SetHeaderRouteAsync(Target, new Bot.Core.Config.HeaderRouteStep("x-canary", "1"), new TrafficFence(2, 20), default);
        Assert.Equal("""{"primary":{"stable":80,"canary":20,"sequence":2}}""", Annotation());

        Assert.True((await _router.SetMirrorAsync(Target, 10, new TrafficFence(1, 0), default)).IsStale);
        Assert.Null(Vs()["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == "primary")!["mirror"]);
    }

    [Fact]
    public async Task SetWeight_NoAnnotationNoMemory_DriftFromTheFenceExpectedWeights()
    {
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            var dests = vs["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == "primary")!["route"]!.AsArray();
            dests[0]!["weight"] = 70;
            dests[1]!["weight"] = 30;
        });
        var ex = await Assert.ThrowsAsync<TrafficDriftException>(() => _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default));
        Assert.Equal((0, 30), (ex.ExpectedCanary, ex.LiveCanary));
        Assert.Equal(0, Patches());
    }

    [Fact]
    public async Task LateWriteOfSlowInstance_LosesTheRaceReReadsAndIsDropped()
    {
        // Two bot instances (no shared memory): the slow one's PATCH reaches the API server after the other wrote a newer sequence.
        var slow = new IstioTrafficRouter(new KubernetesClientFactory(_k.Options, _k.Time), _k.Options, log: _log);
        var hold = _k.Api.HoldNext("PATCH", "/virtualservices/checkout");
        var late = slow.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);
        await hold.Arrived;

        await _router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);
        await _router.SetWeightAsync(Target, 50, new TrafficFence(2, 10), default);
        hold.Release();
        var result = await late;

        Assert.Equal(TrafficWriteOutcome.Stale, result.Outcome);
        Assert.Equal((50, 50), Weights());
        Assert.Contains(422, _k.Api.Requests.Where(r => r.Method == "PATCH").Select(r => r.Status)); // its guarded patch lost, then it re-read
    }

    private sealed class ListLogger : ILogger<IstioTrafficRouter>
    {
        private readonly List<(LogLevel Level, string Message)> _entries = [];
        public IReadOnlyList<(LogLevel Level, string Message)> Entries { get { lock (_entries) return [.. _entries]; } }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries) _entries.Add((logLevel, formatter(state, exception)));
        }
    }
}

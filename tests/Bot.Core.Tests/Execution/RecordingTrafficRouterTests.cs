using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;

namespace Bot.Core.Tests.Execution;

/// <summary>The recording router follows the Istio router's fence: older sequences are dropped, the same one is idempotent.</summary>
public class RecordingTrafficRouterTests
{
    private static readonly TrafficTarget Target = new(null, "shop", new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" });

    [Fact]
    public async Task SetWeight_OlderSequenceAfterNewer_DroppedAndNotRecorded()
    {
        var router = new RecordingTrafficRouter();
        Assert.Equal(TrafficWriteOutcome.Applied, (await router.SetWeightAsync(Target, 50, new TrafficFence(2, 10), default)).Outcome);

        var late = await router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);

        Assert.Equal(TrafficWriteOutcome.Stale, late.Outcome);
        Assert.Equal(2, late.LiveSequence);
        Assert.Equal(50, router.WeightOf(RecordingTrafficRouter.Key(Target)));
        Assert.Equal(["setWeight 50"], router.Calls.Select(c => $"{c.Operation} {c.Argument}"));
        var rollback = await router.RollbackAsync(Target, new TrafficFence(1, 0), default);
        Assert.True(rollback.IsStale);
    }

    [Fact]
    public async Task SetWeight_SameSequenceTwice_RecordsOnce_NewerSequenceSameWeightKeepsSequence()
    {
        var router = new RecordingTrafficRouter();
        await router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default);
        Assert.Equal(TrafficWriteOutcome.Unchanged, (await router.SetWeightAsync(Target, 10, new TrafficFence(1, 0), default)).Outcome);
        Assert.Equal(TrafficWriteOutcome.Applied, (await router.SetWeightAsync(Target, 10, new TrafficFence(3, 10), default)).Outcome);

        Assert.Equal(3, router.SequenceOf(RecordingTrafficRouter.Key(Target)));
        Assert.Single(router.Calls, c => c.Operation == "setWeight");
        Assert.True((await router.SetWeightAsync(Target, 50, new TrafficFence(2, 10), default)).IsStale);
    }

    [Fact]
    public async Task Unfenced_KeepsTheSequence()
    {
        var router = new RecordingTrafficRouter();
        await router.SetWeightAsync(Target, 10, new TrafficFence(4, 0), default);
        await router.RollbackAsync(Target, null, default);
        Assert.Equal(4, router.SequenceOf(RecordingTrafficRouter.Key(Target)));
        Assert.Equal(0, router.WeightOf(RecordingTrafficRouter.Key(Target)));
    }
}

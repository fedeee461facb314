using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Core.Execution;

/// <summary>
/// A router that moves no traffic: it records each call and keeps the weight and the fence sequence per route so that, like the
/// real router, setting the weight already in place records nothing and a write older than the route's last one is dropped
/// (<see cref="TrafficWriteOutcome.Stale"/>, not recorded). Used in tests and with <c>Traffic:Mode=recording</c> until a real
/// router is configured. <paramref name="onCall"/> lets the host persist calls (e.g. to a file).
/// </summary>
public sealed class RecordingTrafficRouter(Action<RecordedCall>? onCall = null) : ITrafficRouter, ITrafficInspector
{
    private readonly object _gate = new();
    private readonly List<RecordedCall> _calls = [];
    private readonly Dictionary<string, int> _weights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);

    public IReadOnlyList<RecordedCall> Calls { get { lock (_gate) return [.. _calls]; } }

    /// <summary>The canary weight last set for a target key (<c>namespace/virtualService/route</c>), if any.</summary>
    public int? WeightOf(string targetKey) { lock (_gate) return _weights.TryGetValue(targetKey, out var w) ? w : null; }

    /// <summary>The fence sequence of the last write applied to a target key; 0 when none carried one.</summary>
    public long SequenceOf(string targetKey) { lock (_gate) return _sequences.GetValueOrDefault(targetKey); }

    public static string Key(TrafficTarget t) => $"{t.Namespace}/{t.Route.VirtualService}/{t.Route.RouteName}";

    public Task VerifyAsync(TrafficTarget target, CancellationToken ct)
    {
        Record("verify", target, null, null);
        return Task.CompletedTask;
    }

    public Task<TrafficWriteResult> SetWeightAsync(TrafficTarget target, int canaryWeight, TrafficFence? fence, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canaryWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryWeight, 100);
        return Write("setWeight", target, canaryWeight, fence, canaryWeight.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<TrafficWriteResult> SetHeaderRouteAsync(TrafficTarget target, HeaderRouteStep? match, TrafficFence? fence, CancellationToken ct) =>
        Write("setHeaderRoute", target, null, fence, match is null ? null : $"{match.Header}={match.Value}", always: true);

    public Task<TrafficWriteResult> SetMirrorAsync(TrafficTarget target, double? percent, TrafficFence? fence, CancellationToken ct) =>
        Write("setMirror", target, null, fence, percent?.ToString(System.Globalization.CultureInfo.InvariantCulture), always: true);

    public Task<TrafficWriteResult> SetFaultAsync(TrafficTarget target, FaultStep? fault, TrafficFence? fence, CancellationToken ct) =>
        Write("setFault", target, null, fence, fault?.Describe(), always: true);

    public Task<TrafficWriteResult> RollbackAsync(TrafficTarget target, TrafficFence? fence, CancellationToken ct) =>
        Write("rollback", target, 0, fence, "0");

    /// <summary>The remembered weight as the live one; a route it set is "written by the bot" (the real router's annotation).
    /// A route it never set reads as all stable, with no record.</summary>
    public Task<RouteReading> ReadAsync(TrafficTarget target, CancellationToken ct)
    {
        lock (_gate)
            return Task.FromResult(_weights.TryGetValue(Key(target), out var w) ? new RouteReading(100 - w, w, 100 - w, w) : new RouteReading(100, 0));
    }

    /// <summary>Seeds the remembered weight (e.g. from a persisted record after a restart) without recording.</summary>
    public void Seed(string targetKey, int canaryWeight) { lock (_gate) _weights[targetKey] = canaryWeight; }

    /// <summary>Seeds the remembered fence sequence (from a persisted record) without recording; never lowers it.</summary>
    public void SeedSequence(string targetKey, long sequence)
    {
        lock (_gate) _sequences[targetKey] = Math.Max(sequence, _sequences.GetValueOrDefault(targetKey));
    }

    /// <summary>Same rule as the Istio router: older than the route's sequence is dropped; a weight already in place records
    /// nothing (header and mirror calls are always recorded, as before); a newer sequence is kept.</summary>
    private Task<TrafficWriteResult> Write(string operation, TrafficTarget target, int? canaryWeight, TrafficFence? fence, string? argument, bool always = false)
    {
        var key = Key(target);
        lock (_gate)
        {
            var live = _sequences.GetValueOrDefault(key);
            if (fence is not null && fence.Sequence < live)
                return Task.FromResult(new TrafficWriteResult(TrafficWriteOutcome.Stale, live,
                    $"{operation} {argument} (sequence {fence.Sequence}) dropped: {key} carries sequence {live}"));
            var sequence = fence is null ? live : fence.Sequence;
            _sequences[key] = sequence;
            if (!always && canaryWeight is { } w && _weights.TryGetValue(key, out var current) && current == w)
            {
                // Like the annotation-only patch of the Istio router: the newer sequence is kept (and persisted) without a weight change.
                if (sequence > live) Record("fence", target, null, sequence);
                return Task.FromResult(new TrafficWriteResult(sequence > live ? TrafficWriteOutcome.Applied : TrafficWriteOutcome.Unchanged, sequence));
            }
            if (canaryWeight is { } weight) _weights[key] = weight;
            Record(operation, target, argument, fence?.Sequence);
            return Task.FromResult(new TrafficWriteResult(TrafficWriteOutcome.Applied, sequence));
        }
    }

    private void Record(string operation, TrafficTarget target, string? argument, long? sequence)
    {
        var call = new RecordedCall(operation, Key(target), argument) { Sequence = sequence };
        lock (_gate)
        {
            _calls.Add(call);
            onCall?.Invoke(call);
        }
    }
}

using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Core.Execution;

/// <summary>
/// A router that moves no traffic: it records each call and keeps the weight per route so that, like the real
/// router, setting the weight already in place records nothing. Used in tests and with <c>Traffic:Mode=recording</c>
/// until a real router is configured. <paramref name="onCall"/> lets the host persist calls (e.g. to a file).
/// </summary>
public sealed class RecordingTrafficRouter(Action<RecordedCall>? onCall = null) : ITrafficRouter, ITrafficInspector
{
    private readonly object _gate = new();
    private readonly List<RecordedCall> _calls = [];
    private readonly Dictionary<string, int> _weights = new(StringComparer.Ordinal);

    public IReadOnlyList<RecordedCall> Calls { get { lock (_gate) return [.. _calls]; } }

    /// <summary>The canary weight last set for a target key (<c>namespace/virtualService/route</c>), if any.</summary>
    public int? WeightOf(string targetKey) { lock (_gate) return _weights.TryGetValue(targetKey, out var w) ? w : null; }

    public static string Key(TrafficTarget t) => $"{t.Namespace}/{t.Route.VirtualService}/{t.Route.RouteName}";

    public Task VerifyAsync(TrafficTarget target, CancellationToken ct) => Record("verify", target, null);

    public Task SetWeightAsync(TrafficTarget target, int canaryWeight, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canaryWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryWeight, 100);
        lock (_gate)
        {
            var key = Key(target);
            if (_weights.TryGetValue(key, out var current) && current == canaryWeight) return Task.CompletedTask;
            _weights[key] = canaryWeight;
        }
        return Record("setWeight", target, canaryWeight.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task SetHeaderRouteAsync(TrafficTarget target, HeaderRouteStep? match, CancellationToken ct) =>
        Record("setHeaderRoute", target, match is null ? null : $"{match.Header}={match.Value}");

    public Task SetMirrorAsync(TrafficTarget target, double? percent, CancellationToken ct) =>
        Record("setMirror", target, percent?.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task RollbackAsync(TrafficTarget target, CancellationToken ct)
    {
        lock (_gate)
        {
            var key = Key(target);
            if (_weights.TryGetValue(key, out var current) && current == 0) return Task.CompletedTask;
            _weights[key] = 0;
        }
        return Record("rollback", target, "0");
    }

    /// <summary>The remembered weight as the live one; a route it set is "written by the bot" (the real router's annotation).
    /// A route it never set reads as all stable, with no record.</summary>
    public Task<RouteReading> ReadAsync(TrafficTarget target, CancellationToken ct)
    {
        lock (_gate)
            return Task.FromResult(_weights.TryGetValue(Key(target), out var w) ? new RouteReading(100 - w, w, 100 - w, w) : new RouteReading(100, 0));
    }

    /// <summary>Seeds the remembered weight (e.g. from a persisted record after a restart) without recording.</summary>
    public void Seed(string targetKey, int canaryWeight) { lock (_gate) _weights[targetKey] = canaryWeight; }

    private Task Record(string operation, TrafficTarget target, string? argument)
    {
        var call = new RecordedCall(operation, Key(target), argument);
        lock (_gate)
        {
            _calls.Add(call);
            onCall?.Invoke(call);
        }
        return Task.CompletedTask;
    }
}

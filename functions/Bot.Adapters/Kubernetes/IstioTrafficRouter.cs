using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Core.Config;
using Bot.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Adapters.Kubernetes;

/// <summary>
/// <see cref="ITrafficRouter"/> over Istio: reads the VirtualService, transforms only the named route with
/// <see cref="VirtualServiceRoutes"/>, and writes only when something changed, as one JSON patch guarded by a <c>test</c> op on
/// <c>resourceVersion</c>. A lost race (409/422) re-reads and retries, bounded by <see cref="KubernetesOptions.MaxConflictAttempts"/>.
/// </summary>
/// <remarks>
/// Drift: every weight write also records the weights in the <see cref="VirtualServiceRoutes.WeightsAnnotation"/> annotation, in the
/// same patch, so what the bot last wrote survives restarts and is shared by all bot instances. When the live weights differ from
/// it, someone else moved traffic: <see cref="TrafficDriftException"/>, nothing written. The in-memory copy covers an annotation
/// lost to a <c>kubectl apply</c>, and the fence's expected weights a restarted bot facing a stripped annotation. Rollback is
/// exempt: it is the human's way out of drift.
/// <para>Fencing: the same annotation keeps, per route, the <see cref="TrafficFence.Sequence"/> of the last applied write, written in
/// the same guarded patch as the weights. A write with a lower sequence is dropped (logged at warning, returned as
/// <see cref="TrafficWriteOutcome.Stale"/>), so a slow instance's late write cannot regress traffic; the same sequence again is
/// idempotent; a newer sequence is recorded even when the weights are already in place. No sequence reads as 0.</para>
/// </remarks>
public sealed class IstioTrafficRouter(
    KubernetesClientFactory clients,
    KubernetesOptions options,
    IDeploymentController? deployments = null,
    ILogger<IstioTrafficRouter>? log = null) : ITrafficRouter, ITrafficInspector
{
    private readonly ConcurrentDictionary<string, RouteWeights> _lastWritten = new();
    private readonly ILogger _log = (ILogger?)log ?? NullLogger.Instance;

    public async Task VerifyAsync(TrafficTarget target, CancellationToken ct)
    {
        var client = clients.GetClient(target.Cluster);
        var r = Ref(target);
        JsonObject vs = await GetOrExplain(client, KubernetesResource.VirtualService, target, target.Route.VirtualService, ct);
        var http = Http(vs, target);
        Explain(target, () => VirtualServiceRoutes.ReadWeights(http, r)); // route exists, routes to stable, nothing but stable/canary

        var dr = await GetOrExplain(client, KubernetesResource.DestinationRule, target, target.Route.DestinationRule, ct);
        var subsets = (dr["spec"]?["subsets"] as JsonArray ?? []).Select(s => (string?)s?["name"]).OfType<string>().ToList();
        var missing = new[] { r.StableSubset, r.CanarySubset }.Where(s => !subsets.Contains(s)).ToList();
        if (missing.Count > 0)
            throw new RouteCheckFailedException(
                $"DestinationRule {target.Namespace}/{target.Route.DestinationRule} (context {client.Context}) lacks subset(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; " +
                $"it defines: {(subsets.Count == 0 ? "(none)" : string.Join(", ", subsets))}");
        var drHost = (string?)dr["spec"]?["host"];
        var stableHost = StableHost(http, r);
        if (drHost is not null && stableHost is not null && !SameService(drHost, stableHost))
            throw new RouteCheckFailedException(
                $"DestinationRule {target.Namespace}/{target.Route.DestinationRule} is for host '{drHost}' but route '{r.RouteName}' of VirtualService " +
                $"{target.Namespace}/{target.Route.VirtualService} sends to '{stableHost}'");

        // A route without a canary destination gets one at weight 0 (the DestinationRule was checked first: never point at a missing subset).
        await MutateAsync(target, (h, rr) =>
        {
            var w = VirtualServiceRoutes.ReadWeights(h, rr);
            return VirtualServiceRoutes.SetWeight(h, rr, w.Canary);
        }, checkDrift: false, recordWeights: true, fence: null, ct);
    }

    /// <summary>One GET: the named route's live weights and the bot's <see cref="VirtualServiceRoutes.WeightsAnnotation"/> record for it.</summary>
    public async Task<RouteReading> ReadAsync(TrafficTarget target, CancellationToken ct)
    {
        var client = clients.GetClient(target.Cluster);
        var vs = await GetOrExplain(client, KubernetesResource.VirtualService, target, target.Route.VirtualService, ct);
        var live = Explain(target, () => VirtualServiceRoutes.ReadWeights(Http(vs, target), Ref(target)));
        var recorded = VirtualServiceRoutes.RecordedWeights(vs, target.Route.RouteName);
        return new RouteReading(live.Stable, live.Canary, recorded?.Stable, recorded?.Canary);
    }

    public Task<TrafficWriteResult> SetWeightAsync(TrafficTarget target, int canaryWeight, TrafficFence? fence, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canaryWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryWeight, 100);
        return MutateAsync(target, (h, r) => VirtualServiceRoutes.SetWeight(h, r, canaryWeight), checkDrift: true, recordWeights: true, fence, ct);
    }

    public Task<TrafficWriteResult> SetHeaderRouteAsync(TrafficTarget target, HeaderRouteStep? match, TrafficFence? fence, CancellationToken ct) =>
        MutateAsync(target, (h, r) => VirtualServiceRoutes.SetHeaderRoute(h, r, match), checkDrift: false, recordWeights: false, fence, ct);

    public Task<TrafficWriteResult> SetMirrorAsync(TrafficTarget target, double? percent, TrafficFence? fence, CancellationToken ct) =>
        MutateAsync(target, (h, r) => VirtualServiceRoutes.SetMirror(h, r, percent), checkDrift: false, recordWeights: false, fence, ct);

    public Task<TrafficWriteResult> SetFaultAsync(TrafficTarget target, FaultStep? fault, TrafficFence? fence, CancellationToken ct) =>
        MutateAsync(target, (h, r) => VirtualServiceRoutes.SetFault(h, r, fault), checkDrift: false, recordWeights: false, fence, ct);

    public async Task<TrafficWriteResult> RollbackAsync(TrafficTarget target, TrafficFence? fence, CancellationToken ct)
    {
        var result = await MutateAsync(target, VirtualServiceRoutes.Rollback, checkDrift: false, recordWeights: true, fence, ct);
        if (!result.IsStale && target.Deployments is { ScaleDownCanary: true } && deployments is not null)
            await deployments.ScaleCanaryAsync(target, 0, ct);
        return result;
    }

    private async Task<TrafficWriteResult> MutateAsync(TrafficTarget target, Func<JsonArray, RouteRef, RouteEdit> transform, bool checkDrift, bool recordWeights,
        TrafficFence? fence, CancellationToken ct)
    {
        var client = clients.GetClient(target.Cluster);
        var r = Ref(target);
        var key = $"{client.Context}/{target.Namespace}/{target.Route.VirtualService}/{r.RouteName}";
        string where = $"VirtualService {target.Namespace}/{target.Route.VirtualService} (context {client.Context})";
        int attempts = Math.Max(1, options.MaxConflictAttempts);
        for (int attempt = 1; ; attempt++)
        {
            var vs = await GetOrExplain(client, KubernetesResource.VirtualService, target, target.Route.VirtualService, ct);
            var http = Http(vs, target);
            var live = Explain(target, () => VirtualServiceRoutes.ReadWeights(http, r));
            var recorded = VirtualServiceRoutes.RecordedWeights(vs, r.RouteName);
            var liveSequence = VirtualServiceRoutes.RecordedSequence(vs, r.RouteName);
            if (fence is not null && fence.Sequence < liveSequence)
            {
                var stale = $"{where} route '{r.RouteName}': dropped a stale traffic write (sequence {fence.Sequence}); the route carries sequence " +
                    $"{liveSequence} from a newer write (live weights {live}). Nothing was written.";
                _log.LogWarning("{Stale}", stale);
                return new TrafficWriteResult(TrafficWriteOutcome.Stale, liveSequence, stale);
            }
            var fromFence = fence?.ExpectedCanary is { } c ? new RouteWeights(100 - c, c) : (RouteWeights?)null;
            if (checkDrift && (recorded ?? (_lastWritten.TryGetValue(key, out var mem) ? mem : fromFence)) is { } expected && expected != live)
                throw new TrafficDriftException(
                    $"{where} route '{r.RouteName}': the live weights are {live} but the bot last wrote {expected}. Someone else changed them; " +
                    "nothing was overwritten. Decide: roll back, or resume after restoring the weights.",
                    expected.Canary, live.Canary);

            var edit = Explain(target, () => transform(http, r));
            var next = VirtualServiceRoutes.ReadWeights(edit.Http, r);
            var sequence = fence?.Sequence ?? liveSequence; // never below the route's (checked above)
            if (!edit.Changed && sequence == liveSequence)
            {
                if (recordWeights) _lastWritten[key] = next;
                return new TrafficWriteResult(TrafficWriteOutcome.Unchanged, liveSequence);
            }

            var ops = new JsonArray
            {
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = (string?)vs["metadata"]?["resourceVersion"] },
            };
            JsonPatchDiff.Diff(http, edit.Http, "/spec/http", ops);
            if (recordWeights || sequence != liveSequence)
            {
                var value = VirtualServiceRoutes.WithRecord(vs, r.RouteName, recordWeights ? next : null, sequence);
                ops.Add(vs["metadata"]?["annotations"] is JsonObject
                    ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/" + JsonPatchDiff.Escape(VirtualServiceRoutes.WeightsAnnotation), ["value"] = value }
                    : new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject { [VirtualServiceRoutes.WeightsAnnotation] = value } });
            }
            try
            {
                await client.PatchAsync(KubernetesResource.VirtualService, target.Namespace, target.Route.VirtualService,
                    ops.ToJsonString(VirtualServiceRoutes.Json), ct);
                if (recordWeights) _lastWritten[key] = next;
                _log.LogInformation("{Where} route {Route}: {Before} -> {After} (sequence {Sequence})", where, r.RouteName, live, next, sequence);
                return new TrafficWriteResult(TrafficWriteOutcome.Applied, sequence);
            }
            catch (KubernetesApiException e) when ((e.IsConflict || e.IsPatchTestFailure) && attempt < attempts)
            {
                _log.LogInformation("{Where} changed while the bot wrote it (attempt {Attempt}/{Max}); re-reading", where, attempt, attempts);
            }
            catch (KubernetesApiException e) when (e.IsConflict || e.IsPatchTestFailure)
            {
                throw new KubernetesApiException(409, "Conflict",
                    $"{where}: gave up after {attempts} attempts; the object keeps changing under the bot. Last answer: {e.Message}", e.Causes, e.ServerMessage);
            }
        }
    }

    private static RouteRef Ref(TrafficTarget t) => new(t.Route.RouteName, t.Route.Host, t.Route.StableSubset, t.Route.CanarySubset);

    private static JsonArray Http(JsonObject vs, TrafficTarget t) =>
        vs["spec"]?["http"] as JsonArray
        ?? throw new RouteCheckFailedException($"VirtualService {t.Namespace}/{t.Route.VirtualService} has no spec.http routes; route '{t.Route.RouteName}' must be an HTTP route");

    private static T Explain<T>(TrafficTarget t, Func<T> f)
    {
        try { return f(); }
        catch (RouteCheckFailedException e) when (!e.Message.StartsWith("VirtualService ", StringComparison.Ordinal))
        {
            throw new RouteCheckFailedException($"VirtualService {t.Namespace}/{t.Route.VirtualService}: {e.Message}");
        }
    }

    private static async Task<JsonObject> GetOrExplain(KubernetesCluster client, KubernetesResource kind, TrafficTarget t, string name, CancellationToken ct)
    {
        try { return await client.GetAsync(kind, t.Namespace, name, ct); }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            throw new RouteCheckFailedException($"{kind.Kind} {t.Namespace}/{name} not found in context {client.Context}; create it or fix the service's route settings ({e.ServerMessage})");
        }
    }

    private static string? StableHost(JsonArray http, RouteRef r)
    {
        var route = http[VirtualServiceRoutes.IndexOf(http, r.RouteName)] as JsonObject;
        return (route?["route"] as JsonArray ?? []).Select(d => d?["destination"])
            .Where(d => (string?)d?["subset"] == r.StableSubset).Select(d => (string?)d?["host"]).FirstOrDefault();
    }

    // Hosts are compared by service name: "reviews" and "reviews.shop.svc.cluster.local" are the same service here.
    private static bool SameService(string a, string b) => a.Split('.')[0] == b.Split('.')[0];
}

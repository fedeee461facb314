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
/// lost to a <c>kubectl apply</c>. Rollback is exempt: it is the human's way out of drift.
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
        }, checkDrift: false, recordWeights: true, ct);
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

    public Task SetWeightAsync(TrafficTarget target, int canaryWeight, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(canaryWeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(canaryWeight, 100);
        return MutateAsync(target, (h, r) => VirtualServiceRoutes.SetWeight(h, r, canaryWeight), checkDrift: true, recordWeights: true, ct);
    }

    public Task SetHeaderRouteAsync(TrafficTarget target, HeaderRouteStep? match, CancellationToken ct) =>
        MutateAsync(target, (h, r) => VirtualServiceRoutes.SetHeaderRoute(h, r, match), checkDrift: false, recordWeights: false, ct);

    public Task SetMirrorAsync(TrafficTarget target, double? percent, CancellationToken ct) =>
        MutateAsync(target, (h, r) => VirtualServiceRoutes.SetMirror(h, r, percent), checkDrift: false, recordWeights: false, ct);

    public async Task RollbackAsync(TrafficTarget target, CancellationToken ct)
    {
        await MutateAsync(target, VirtualServiceRoutes.Rollback, checkDrift: false, recordWeights: true, ct);
        if (target.Deployments is { ScaleDownCanary: true } && deployments is not null)
            await deployments.ScaleCanaryAsync(target, 0, ct);
    }

    private async Task MutateAsync(TrafficTarget target, Func<JsonArray, RouteRef, RouteEdit> transform, bool checkDrift, bool recordWeights, CancellationToken ct)
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
            if (checkDrift && (recorded ?? (_lastWritten.TryGetValue(key, out var mem) ? mem : null)) is { } expected && expected != live)
                throw new TrafficDriftException(
                    $"{where} route '{r.RouteName}': the live weights are {live} but the bot last wrote {expected}. Someone else changed them; " +
                    "nothing was overwritten. Decide: roll back, or resume after restoring the weights.",
                    expected.Canary, live.Canary);

            var edit = Explain(target, () => transform(http, r));
            var next = VirtualServiceRoutes.ReadWeights(edit.Http, r);
            if (!edit.Changed)
            {
                if (recordWeights) _lastWritten[key] = next;
                return;
            }

            var ops = new JsonArray
            {
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = (string?)vs["metadata"]?["resourceVersion"] },
            };
            JsonPatchDiff.Diff(http, edit.Http, "/spec/http", ops);
            if (recordWeights)
            {
                var value = VirtualServiceRoutes.WithRecordedWeights(vs, r.RouteName, next);
                ops.Add(vs["metadata"]?["annotations"] is JsonObject
                    ? new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/" + JsonPatchDiff.Escape(VirtualServiceRoutes.WeightsAnnotation), ["value"] = value }
                    : new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject { [VirtualServiceRoutes.WeightsAnnotation] = value } });
            }
            try
            {
                await client.PatchWithoutResultAsync(KubernetesResource.VirtualService, target.Namespace, target.Route.VirtualService,
                    KubernetesClient.JsonPatch, ops.ToJsonString(VirtualServiceRoutes.Json), ct);
                if (recordWeights) _lastWritten[key] = next;
                _log.LogInformation("{Where} route {Route}: {Before} -> {After}", where, r.RouteName, live, next);
                return;
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

    private static async Task<JsonObject> GetOrExplain(KubernetesClient client, KubernetesResource kind, TrafficTarget t, string name, CancellationToken ct)
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

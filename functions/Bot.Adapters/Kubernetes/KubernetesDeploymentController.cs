using System.Text.Json.Nodes;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Adapters.Kubernetes;

/// <summary><see cref="IDeploymentController"/> over the apps/v1 Deployment API: image and replica writes are JSON patches guarded by
/// <c>resourceVersion</c> (re-read on a lost race), and written only when the value differs. Readiness follows kubectl.</summary>
public sealed class KubernetesDeploymentController(KubernetesClientFactory clients, KubernetesOptions options) : IDeploymentController
{
    public Task SetCanaryImageAsync(TrafficTarget target, string image, CancellationToken ct) =>
        SetImageAsync(target, Spec(target).Canary, image, ct);

    public Task SetStableImageAsync(TrafficTarget target, string image, CancellationToken ct) =>
        SetImageAsync(target, Spec(target).Stable, image, ct);

    public Task<DeploymentReadiness> GetCanaryReadinessAsync(TrafficTarget target, CancellationToken ct) =>
        ReadinessAsync(target, Spec(target).Canary, ct);

    public Task<DeploymentReadiness> GetStableReadinessAsync(TrafficTarget target, CancellationToken ct) =>
        ReadinessAsync(target, Spec(target).Stable, ct);

    public Task ScaleCanaryAsync(TrafficTarget target, int replicas, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        return UpdateAsync(target, Spec(target).Canary, d =>
        {
            bool has = d["spec"]?["replicas"] is not null;
            if (has && (int?)d["spec"]?["replicas"] == replicas) return null;
            return new JsonObject { ["op"] = has ? "replace" : "add", ["path"] = "/spec/replicas", ["value"] = replicas };
        }, ct);
    }

    private Task SetImageAsync(TrafficTarget target, string deployment, string image, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(image);
        return UpdateAsync(target, deployment, d =>
        {
            var containers = d["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? [];
            var wanted = Spec(target).Container;
            int i = wanted is null ? (containers.Count > 0 ? 0 : -1)
                : containers.Select((c, n) => (c, n)).Where(x => (string?)x.c?["name"] == wanted).Select(x => x.n).DefaultIfEmpty(-1).First();
            if (i < 0)
                throw new RouteCheckFailedException(
                    $"Deployment {target.Namespace}/{deployment} has no container {(wanted is null ? "at all" : $"'{wanted}'")}; containers: " +
                    string.Join(", ", containers.Select(c => (string?)c?["name"])));
            if ((string?)containers[i]?["image"] == image) return null;
            return new JsonObject { ["op"] = "replace", ["path"] = $"/spec/template/spec/containers/{i}/image", ["value"] = image };
        }, ct);
    }

    private async Task<DeploymentReadiness> ReadinessAsync(TrafficTarget target, string deployment, CancellationToken ct)
    {
        var client = clients.GetClient(target.Cluster);
        return DeploymentRolloutStatus.Evaluate(await Get(client, target, deployment, ct));
    }

    private async Task UpdateAsync(TrafficTarget target, string deployment, Func<JsonObject, JsonObject?> op, CancellationToken ct)
    {
        var client = clients.GetClient(target.Cluster);
        int attempts = Math.Max(1, options.MaxConflictAttempts);
        for (int attempt = 1; ; attempt++)
        {
            var d = await Get(client, target, deployment, ct);
            if (op(d) is not { } change) return;
            var ops = new JsonArray
            {
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = (string?)d["metadata"]?["resourceVersion"] },
                change,
            };
            try
            {
                await client.PatchDeploymentAsync(target.Namespace, deployment, ops, ct);
                return;
            }
            catch (KubernetesApiException e) when ((e.IsConflict || e.IsPatchTestFailure) && attempt < attempts) { }
        }
    }

    private static async Task<JsonObject> Get(KubernetesCluster client, TrafficTarget target, string deployment, CancellationToken ct)
    {
        try { return await client.GetDeploymentAsync(target.Namespace, deployment, ct); }
        catch (KubernetesApiException e) when (e.IsNotFound)
        {
            throw new RouteCheckFailedException($"Deployment {target.Namespace}/{deployment} not found in context {client.Context} ({e.ServerMessage})");
        }
    }

    private static DeploymentSpec Spec(TrafficTarget t) =>
        t.Deployments ?? throw new InvalidOperationException($"service in namespace {t.Namespace} has no deployments configured (route {t.Route.VirtualService}/{t.Route.RouteName}); add 'deployments' to its release config");
}

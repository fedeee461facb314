using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Bot.Adapters.Kubernetes;

/// <summary>One cluster context over the SDK's <see cref="IKubernetes"/>: Istio objects through the custom-object API, Deployments
/// through apps/v1, writes as RFC 6902 JSON patches, the Istio API version discovered once, and the SDK's
/// <see cref="HttpOperationException"/> turned into a <see cref="KubernetesApiException"/> that names the call and the context.</summary>
public sealed class KubernetesCluster(IKubernetes api, string context, string? defaultNamespace)
{
    private Task<string>? _istioVersion;

    /// <summary>The SDK client (one connection pool per cluster context).</summary>
    public IKubernetes Api { get; } = api;

    /// <summary>The kubeconfig context name, or <c>in-cluster</c>.</summary>
    public string Context { get; } = context;

    /// <summary>The context's (or service account's) namespace, if any.</summary>
    public string? DefaultNamespace { get; } = defaultNamespace;

    /// <summary>The networking.istio.io version to use: <c>v1</c> when served, else <c>v1beta1</c> (Istio before 1.22). Discovered once.</summary>
    public Task<string> GetIstioVersionAsync(CancellationToken ct) => _istioVersion ??= DiscoverIstioAsync(ct);

    private async Task<string> DiscoverIstioAsync(CancellationToken ct)
    {
        try
        {
            var groups = await CallAsync(() => Api.Apis.GetAPIVersionsAsync(ct), "get", "networking.istio.io (discovery)", "", null).ConfigureAwait(false);
            var istio = groups.Groups?.FirstOrDefault(g => g.Name == KubernetesResource.VirtualService.Group)
                ?? throw new KubernetesApiException(404, "NotFound", $"networking.istio.io is not served in context {Context}: is Istio installed?", [], "");
            var versions = (istio.Versions ?? []).Select(v => v.Version).ToHashSet();
            if (versions.Contains("v1")) return "v1";
            if (versions.Contains("v1beta1")) return "v1beta1";
            throw new KubernetesApiException(404, "NotFound",
                $"networking.istio.io serves neither v1 nor v1beta1 in context {Context} (found: {string.Join(", ", versions)}); upgrade Istio to 1.8 or later", [], "");
        }
        catch
        {
            _istioVersion = null; // let the next call try again
            throw;
        }
    }

    /// <summary>GET one Istio object. Throws <see cref="KubernetesApiException"/> (404 when it does not exist).</summary>
    public async Task<JsonObject> GetAsync(KubernetesResource r, string ns, string name, CancellationToken ct)
    {
        var version = await GetIstioVersionAsync(ct).ConfigureAwait(false);
        using var response = await CallAsync(() => Api.CustomObjects.GetNamespacedCustomObjectWithHttpMessagesAsync<JsonObject>(
            r.Group, version, ns, r.Plural, name, cancellationToken: ct), "get", r.FullName, ns, name).ConfigureAwait(false);
        return response.Body;
    }

    /// <summary>PATCH one Istio object with an RFC 6902 JSON patch (<paramref name="jsonPatch"/>, serialized; include a <c>test</c>
    /// op on <c>/metadata/resourceVersion</c> to guard the write). The stored object the server returns is not needed.</summary>
    public async Task PatchAsync(KubernetesResource r, string ns, string name, string jsonPatch, CancellationToken ct)
    {
        var version = await GetIstioVersionAsync(ct).ConfigureAwait(false);
        using var _ = await CallAsync(() => Api.CustomObjects.PatchNamespacedCustomObjectWithHttpMessagesAsync<Unread>(
            new V1Patch(jsonPatch, V1Patch.PatchType.JsonPatch), r.Group, version, ns, r.Plural, name, cancellationToken: ct),
            "patch", r.FullName, ns, name).ConfigureAwait(false);
    }

    public Task<JsonObject> GetVirtualServiceAsync(string ns, string name, CancellationToken ct) => GetAsync(KubernetesResource.VirtualService, ns, name, ct);

    public Task PatchVirtualServiceAsync(string ns, string name, JsonArray ops, CancellationToken ct) =>
        PatchAsync(KubernetesResource.VirtualService, ns, name, ops.ToJsonString(), ct);

    /// <summary>GET one apps/v1 Deployment, as JSON (the rollout-status rules and patch builders read it so).</summary>
    public async Task<JsonObject> GetDeploymentAsync(string ns, string name, CancellationToken ct)
    {
        var d = await CallAsync(() => Api.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: ct),
            "get", KubernetesResource.Deployment.FullName, ns, name).ConfigureAwait(false);
        return JsonNode.Parse(KubernetesJson.Serialize(d))!.AsObject();
    }

    public Task PatchDeploymentAsync(string ns, string name, JsonArray ops, CancellationToken ct) =>
        CallAsync(() => Api.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(ops.ToJsonString(), V1Patch.PatchType.JsonPatch), name, ns, cancellationToken: ct),
            "patch", KubernetesResource.Deployment.FullName, ns, name);

    /// <summary>The stored object a patch answers with, skipped rather than built (the router re-reads before its next write).</summary>
    private sealed class Unread;

    private async Task<T> CallAsync<T>(Func<Task<T>> call, string verb, string resource, string ns, string? name)
    {
        try { return await call().ConfigureAwait(false); }
        catch (HttpOperationException e) when (e.Response is { } response)
        {
            throw KubernetesApiException.From((int)response.StatusCode, response.Content, verb, resource, ns, name, Context);
        }
    }
}

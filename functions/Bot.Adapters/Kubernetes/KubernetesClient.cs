using Bot.Adapters.Http;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bot.Adapters.Kubernetes;

/// <summary>A small typed Kubernetes API client for one cluster context: get and patch of VirtualService, DestinationRule and
/// Deployment, Istio API discovery, Status errors as <see cref="KubernetesApiException"/>, and Polly retries of 429 (honouring
/// <c>Retry-After</c>), 5xx and timeouts. Conflicts are not retried here: callers re-read and re-decide.</summary>
public sealed class KubernetesClient
{
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";

    private readonly ClusterConnection _connection;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _log;
    private Task<string>? _istioVersion;

    public KubernetesClient(HttpClient http, ClusterConnection connection, KubernetesOptions options, ILogger log, TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        Http = http;
        _connection = connection;
        _log = log;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, clock.GetUtcNow())),
                OnRetry = args =>
                {
                    _log.LogWarning("Kubernetes API {Context}: retry {Attempt} after {Outcome}, waiting {Delay}",
                        _connection.ContextName, args.AttemptNumber + 1,
                        args.Outcome.Result is { } r ? $"{(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        _pipeline = builder.AddTimeout(options.RequestTimeout).Build();
    }

    /// <summary>The underlying client (one connection pool per cluster). Benchmarks compare against bare calls over it.</summary>
    public HttpClient Http { get; }

    public string Context => _connection.ContextName;

    /// <summary>The context's (or service account's) namespace, if any.</summary>
    public string? DefaultNamespace => _connection.Namespace;

    /// <summary>The delay a 429/503 asks for through <c>Retry-After</c> (seconds or an HTTP date), capped at one minute;
    /// null lets the backoff decide.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now) =>
        RetryAfterHeader.Delay(response?.Headers, now) is { } d ? (d > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : d) : null;

    /// <summary>The networking.istio.io version to use: <c>v1</c> when served, else <c>v1beta1</c> (Istio before 1.22). Discovered once.</summary>
    public Task<string> GetIstioVersionAsync(CancellationToken ct) => _istioVersion ??= DiscoverIstioAsync(ct);

    private async Task<string> DiscoverIstioAsync(CancellationToken ct)
    {
        try
        {
            var body = await SendAsync(HttpMethod.Get, "/apis/networking.istio.io", null, null, "get", "networking.istio.io (discovery)", "", null, ct).ConfigureAwait(false);
            var versions = (JsonNode.Parse(body)?["versions"] as JsonArray ?? []).Select(v => (string?)v?["version"]).ToHashSet();
            if (versions.Contains("v1")) return "v1";
            if (versions.Contains("v1beta1")) return "v1beta1";
            throw new KubernetesApiException(404, "NotFound",
                $"networking.istio.io serves neither v1 nor v1beta1 in context {Context} (found: {string.Join(", ", versions)}); upgrade Istio to 1.8 or later", [], "");
        }
        catch (KubernetesApiException e) when (e.IsNotFound && e.Reason != "NotFound")
        {
            throw new KubernetesApiException(404, "NotFound", $"networking.istio.io is not served in context {Context}: is Istio installed?", [], e.ServerMessage);
        }
        catch
        {
            _istioVersion = null; // let the next call try again
            throw;
        }
    }

    private async Task<string> PathAsync(KubernetesResource r, string ns, string name, CancellationToken ct) =>
        r.PathFor(r.Version ?? await GetIstioVersionAsync(ct).ConfigureAwait(false), ns, name);

    /// <summary>GET one object. Throws <see cref="KubernetesApiException"/> (404 when it does not exist).</summary>
    public async Task<JsonObject> GetAsync(KubernetesResource r, string ns, string name, CancellationToken ct)
    {
        var path = await PathAsync(r, ns, name, ct).ConfigureAwait(false);
        var body = await SendAsync(HttpMethod.Get, path, null, null, "get", r.FullName, ns, name, ct).ConfigureAwait(false);
        return JsonNode.Parse(body) as JsonObject ?? throw new KubernetesApiException(500, "InternalError", $"get {r.FullName} {ns}/{name}: the body is not an object", [], body);
    }

    /// <summary>PATCH one object with an RFC 6902 JSON patch (<paramref name="ops"/>; include a <c>test</c> op on
    /// <c>/metadata/resourceVersion</c> to guard the write) and return the object as stored.</summary>
    public Task<JsonObject> JsonPatchAsync(KubernetesResource r, string ns, string name, JsonArray ops, CancellationToken ct) =>
        PatchAsync(r, ns, name, JsonPatch, ops.ToJsonString(), ct);

    /// <summary>PATCH one object with an RFC 7386 merge patch (a <c>metadata.resourceVersion</c> in it makes the write conditional).</summary>
    public Task<JsonObject> MergePatchAsync(KubernetesResource r, string ns, string name, JsonObject patch, CancellationToken ct) =>
        PatchAsync(r, ns, name, MergePatch, patch.ToJsonString(), ct);

    public async Task<JsonObject> PatchAsync(KubernetesResource r, string ns, string name, string contentType, string body, CancellationToken ct)
    {
        var path = await PathAsync(r, ns, name, ct).ConfigureAwait(false);
        var text = await SendAsync(HttpMethod.Patch, path, body, contentType, "patch", r.FullName, ns, name, ct).ConfigureAwait(false);
        return JsonNode.Parse(text) as JsonObject ?? throw new KubernetesApiException(500, "InternalError", $"patch {r.FullName} {ns}/{name}: the body is not an object", [], text);
    }

    /// <summary>Like <see cref="PatchAsync"/>, without parsing the stored object the server returns (the router does not need it).</summary>
    public async Task PatchWithoutResultAsync(KubernetesResource r, string ns, string name, string contentType, string body, CancellationToken ct)
    {
        var path = await PathAsync(r, ns, name, ct).ConfigureAwait(false);
        await SendAsync(HttpMethod.Patch, path, body, contentType, "patch", r.FullName, ns, name, ct).ConfigureAwait(false);
    }

    public Task<JsonObject> GetVirtualServiceAsync(string ns, string name, CancellationToken ct) => GetAsync(KubernetesResource.VirtualService, ns, name, ct);
    public Task<JsonObject> PatchVirtualServiceAsync(string ns, string name, JsonArray ops, CancellationToken ct) => JsonPatchAsync(KubernetesResource.VirtualService, ns, name, ops, ct);
    public Task<JsonObject> GetDestinationRuleAsync(string ns, string name, CancellationToken ct) => GetAsync(KubernetesResource.DestinationRule, ns, name, ct);
    public Task<JsonObject> PatchDestinationRuleAsync(string ns, string name, JsonArray ops, CancellationToken ct) => JsonPatchAsync(KubernetesResource.DestinationRule, ns, name, ops, ct);
    public Task<JsonObject> GetDeploymentAsync(string ns, string name, CancellationToken ct) => GetAsync(KubernetesResource.Deployment, ns, name, ct);
    public Task<JsonObject> PatchDeploymentAsync(string ns, string name, JsonArray ops, CancellationToken ct) => JsonPatchAsync(KubernetesResource.Deployment, ns, name, ops, ct);

    /// <summary>Runs one call through the retry/timeout pipeline; a call that kept timing out surfaces as a
    /// <see cref="TimeoutException"/> naming it (a transient failure: <see cref="Bot.Core.Ports.TransientFailures"/>).</summary>
    private async Task<HttpResponseMessage> ExecuteAsync(Func<CancellationToken, ValueTask<HttpResponseMessage>> call,
        string verb, string resource, string ns, string? name, CancellationToken ct)
    {
        try
        {
            return await _pipeline.ExecuteAsync(call, ct).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TimeoutException($"{verb} {resource} {ns}/{name} (context {Context}): the API server did not answer in time", e);
        }
    }

    private async Task<string> SendAsync(HttpMethod method, string path, string? body, string? contentType,
        string verb, string resource, string ns, string? name, CancellationToken ct)
    {
        for (int authAttempt = 0; ; authAttempt++)
        {
            using var response = await ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(method, new Uri(_connection.Server, path));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (_connection.Credentials is BasicAuthCredentials basic)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic.Header);
                else if (_connection.Credentials is { } creds && await creds.GetTokenAsync(token).ConfigureAwait(false) is { } bearer)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
                if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType!));
                return await Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }, verb, resource, ns, name, ct).ConfigureAwait(false);

            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return text;
            // A rotated token or an expired exec credential: fetch a fresh one once.
            if (response.StatusCode == HttpStatusCode.Unauthorized && authAttempt == 0 && _connection.Credentials is { } c)
            {
                c.Invalidate();
                continue;
            }
            throw KubernetesApiException.From((int)response.StatusCode, text, verb, resource, ns, name, Context);
        }
    }
}

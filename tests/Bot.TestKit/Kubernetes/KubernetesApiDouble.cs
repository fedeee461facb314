using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.TestKit.Kubernetes;

/// <summary>
/// An in-process Kubernetes API server double over HTTPS (a runtime test CA), following API conventions: bearer-token and
/// client-certificate authentication, RBAC rules per user (403 as the API server words it), <c>resourceVersion</c> bumped on every
/// write, <c>generation</c> bumped on spec changes, status kept out of main-resource writes, 404/409/415/422 <c>Status</c> bodies,
/// RFC 7386 merge patch and RFC 6902 JSON patch (a failed <c>test</c> is 422), strategic merge patch refused for CRDs (415), and
/// Istio objects validated against the fixture CRD schemas of the requested version (422 <c>Invalid</c> with causes).
/// </summary>
public sealed class KubernetesApiDouble : IAsyncDisposable
{
    private const string Istio = "networking.istio.io";
    private static readonly Dictionary<string, (string Group, string Kind, bool Crd)> Kinds = new()
    {
        ["virtualservices"] = (Istio, "VirtualService", true),
        ["destinationrules"] = (Istio, "DestinationRule", true),
        ["deployments"] = ("apps", "Deployment", false),
        ["services"] = ("", "Service", false),
        ["serviceaccounts"] = ("", "ServiceAccount", false),
    };

    private readonly object _gate = new();
    private readonly Dictionary<(string Plural, string Ns, string Name), JsonObject> _objects = new();
    private readonly ConcurrentDictionary<string, string> _tokens = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<RbacRule>> _roles = new();
    private readonly ConcurrentQueue<(int Status, TimeSpan? RetryAfter, string? Method)> _faults = new();
    private readonly ConcurrentQueue<Action<KubernetesApiDouble>> _beforeNextWrite = new();
    private readonly ConcurrentQueue<RequestHold> _holds = new();
    private readonly WebApplication _app;
    private long _resourceVersion = 1000;
    private int[]? _outage;
    private int _outageNext;
    private int _outageFailures;

    private KubernetesApiDouble(WebApplication app, TestCertificateAuthority ca, IstioCrdSchemas schemas)
    {
        _app = app;
        Ca = ca;
        Schemas = schemas;
    }

    public TestCertificateAuthority Ca { get; }
    public IstioCrdSchemas Schemas { get; }
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Serve <c>networking.istio.io/v1</c>; false mimics Istio before 1.22 (v1beta1 and v1alpha3 only). The default value is true.</summary>
    public bool ServeIstioV1 { get; set; } = true;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Every Istio object as stored after a write through the API, in order (each validated before it was stored).</summary>
    public ConcurrentQueue<JsonObject> IstioWrites { get; } = new();

    public static async Task<KubernetesApiDouble> StartAsync(IstioCrdSchemas? schemas = null)
    {
        var ca = new TestCertificateAuthority();
        var serverCert = ca.IssueServer();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCert,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true, // checked per request against the test CA, as the API server does
        })));
        var app = builder.Build();
        var d = new KubernetesApiDouble(app, ca, schemas ?? IstioCrdSchemas.Shared);
        app.Run(d.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        d.BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1"));
        return d;
    }

    /// <summary>A new bearer token for <paramref name="user"/>.</summary>
    public string IssueToken(string user)
    {
        var token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        _tokens[token] = user;
        return token;
    }

    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>Restricts <paramref name="user"/> to these rules (a RoleBinding). Users without rules may do anything.</summary>
    public void Bind(string user, IReadOnlyList<RbacRule> rules) => _roles[user] = rules;

    /// <summary>The next matching request (any method when null) fails with <paramref name="status"/> (e.g. 429 with Retry-After, 503).</summary>
    public void FailNext(int status, TimeSpan? retryAfter = null, string? method = null) => _faults.Enqueue((status, retryAfter, method));

    /// <summary>An API server outage: until <see cref="EndOutage"/>, every request fails, cycling through
    /// <paramref name="statuses"/> as the API server answers them (a <c>Status</c> body: 500 InternalError, 503 ServiceUnavailable,
    /// 429 TooManyRequests with <c>Retry-After: 1</c>, 409 Conflict) or, for 0, a dropped connection (aborted before any response).</summary>
    public void StartOutage(params int[] statuses)
    {
        if (statuses.Length == 0) throw new ArgumentException("give at least one status (0 drops the connection)", nameof(statuses));
        lock (_gate) { _outage = statuses; _outageNext = 0; }
    }

    public void EndOutage()
    {
        lock (_gate) _outage = null;
    }

    /// <summary>Requests failed by the outage so far.</summary>
    public int OutageFailures => Volatile.Read(ref _outageFailures);

    /// <summary>Runs <paramref name="action"/> just before the next write is applied: simulates someone else's concurrent edit.</summary>
    public void BeforeNextWrite(Action<KubernetesApiDouble> action) => _beforeNextWrite.Enqueue(action);

    /// <summary>Holds the next request with this method (and path containing <paramref name="pathContains"/>) after it was sent
    /// and before the server processes it, until <see cref="RequestHold.Release"/>: a slow instance or network whose request arrives
    /// late. Everything else (auth, preconditions, the answer) happens as usual once released.</summary>
    public RequestHold HoldNext(string method, string? pathContains = null)
    {
        var hold = new RequestHold(method, pathContains);
        _holds.Enqueue(hold);
        return hold;
    }

    /// <summary>Stores an object as if created by <c>kubectl create</c> (metadata filled in). Istio objects are validated.</summary>
    public JsonObject Create(JsonObject obj)
    {
        var o = Normalize(obj);
        var (plural, ns, name) = KeyOf(o);
        if (Kinds[plural].Crd)
        {
            var causes = Schemas.Validate(plural, VersionOf(o), o);
            if (causes.Count > 0) throw new InvalidOperationException($"seed {name} is invalid: {string.Join("; ", causes.Select(c => c.ToJsonString()))}");
        }
        lock (_gate)
        {
            var meta = (JsonObject)o["metadata"]!;
            meta["namespace"] = ns;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = "2026-11-02T09:00:00Z";
            meta["generation"] = 1;
            meta["resourceVersion"] = NextRv();
            if (plural == "deployments") o["status"] ??= new JsonObject();
            _objects[(plural, ns, name)] = o;
            return (JsonObject)o.DeepClone();
        }
    }

    /// <summary>Seeds every object of a YAML manifest file (multi-document).</summary>
    public void CreateFromYaml(string path)
    {
        foreach (var o in YamlJson.LoadObjects(path))
            if ((string?)o["kind"] is { } k && Kinds.Values.Any(v => v.Kind == k)) Create(o);
    }

    /// <summary>A copy of the stored object, or null.</summary>
    public JsonObject? Get(string plural, string ns, string name)
    {
        lock (_gate) return _objects.TryGetValue((plural, ns, name), out var o) ? Normalize(o) : null;
    }

    /// <summary>An out-of-band edit (a human with kubectl): bumps resourceVersion, and generation when the spec changed.</summary>
    public void Edit(string plural, string ns, string name, Action<JsonObject> edit)
    {
        lock (_gate)
        {
            var o = Normalize(_objects[(plural, ns, name)]);
            var spec = o["spec"]?.DeepClone();
            edit(o);
            Bump(o, spec);
            _objects[(plural, ns, name)] = Normalize(o);
        }
    }

    /// <summary>Drives a Deployment's status (what the controller manager would write).</summary>
    public void SetDeploymentStatus(string ns, string name, Action<JsonObject, JsonObject> edit)
    {
        lock (_gate)
        {
            var o = Normalize(_objects[("deployments", ns, name)]);
            var status = o["status"] as JsonObject ?? [];
            o["status"] = status;
            edit(o, status);
            o["metadata"]!["resourceVersion"] = NextRv();
            _objects[("deployments", ns, name)] = Normalize(o);
        }
    }

    /// <summary>Status as the Deployment controller leaves it after a finished rollout of the current generation.</summary>
    public void CompleteRollout(string ns, string name) => SetDeploymentStatus(ns, name, (d, s) =>
    {
        long replicas = d["spec"]?["replicas"] is { } r ? Num(r) : 1;
        s["observedGeneration"] = Num(d["metadata"]!["generation"]);
        s["replicas"] = replicas;
        s["updatedReplicas"] = replicas;
        s["readyReplicas"] = replicas;
        s["availableReplicas"] = replicas;
        s["conditions"] = new JsonArray(
            Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            Condition("Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{name}-7d4b9c\" has successfully progressed."));
    });

    /// <summary>Status after <c>progressDeadlineSeconds</c> passed without progress.</summary>
    public void FailRollout(string ns, string name) => SetDeploymentStatus(ns, name, (d, s) =>
    {
        s["observedGeneration"] = Num(d["metadata"]!["generation"]);
        s["conditions"] = new JsonArray(
            Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
            Condition("Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{name}-7d4b9c\" has timed out progressing."));
    });

    private static JsonObject Condition(string type, string status, string reason, string message) => new()
    {
        ["type"] = type, ["status"] = status, ["reason"] = reason, ["message"] = message,
        ["lastUpdateTime"] = "2026-11-02T09:00:00Z", ["lastTransitionTime"] = "2026-11-02T09:00:00Z",
    };

    private async Task HandleAsync(HttpContext ctx)
    {
        string? body = null;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            body = await new StreamReader(ctx.Request.Body, Encoding.UTF8).ReadToEndAsync();
        string? user = null;
        int status;
        if (_holds.TryPeek(out var hold) && hold.Matches(ctx.Request.Method, ctx.Request.Path) && _holds.TryDequeue(out hold))
            await hold.WaitAsync();
        try
        {
            user = await AuthenticateAsync(ctx);
            if (user is null) status = await Status(ctx, 401, "Unauthorized", "Unauthorized", null);
            else status = await RouteAsync(ctx, user, body);
        }
        catch (Exception e)
        {
            status = await Status(ctx, 500, "InternalError", $"Internal error occurred: {e.Message}", null);
        }
        Requests.Enqueue(new RecordedRequest(ctx.Request.Method, ctx.Request.Path + ctx.Request.QueryString, ctx.Request.ContentType, body, user, status));
    }

    private async Task<string?> AuthenticateAsync(HttpContext ctx)
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        if (auth.StartsWith("Bearer ", StringComparison.Ordinal))
            return _tokens.TryGetValue(auth["Bearer ".Length..].Trim(), out var u) ? u : null; // a bad token is 401 even with a certificate
        var cert = ctx.Connection.ClientCertificate ?? await ctx.Connection.GetClientCertificateAsync();
        if (cert is not null && Ca.Issued(cert))
            return cert.GetNameInfo(X509NameType.SimpleName, false);
        return null;
    }

    private async Task<int> RouteAsync(HttpContext ctx, string user, string? body)
    {
        int? outage = null;
        lock (_gate)
        {
            if (_outage is { } cycle)
            {
                outage = cycle[_outageNext++ % cycle.Length];
                _outageFailures++;
            }
        }
        if (outage is { } o) return await FaultAsync(ctx, o, o == 429 ? TimeSpan.FromSeconds(1) : null);
        if (_faults.TryPeek(out var f) && (f.Method is null || f.Method == ctx.Request.Method) && _faults.TryDequeue(out f))
            return await FaultAsync(ctx, f.Status, f.RetryAfter);

        var parts = ctx.Request.Path.Value!.Trim('/').Split('/');
        if (parts is ["apis"]) return await Json(ctx, 200, GroupList());
        if (parts is ["apis", Istio]) return await Json(ctx, 200, Discovery());
        // /apis/{group}/{version}/namespaces/{ns}/{plural}/{name} or /api/v1/namespaces/{ns}/{plural}/{name}
        string group, version, ns, plural, name;
        if (parts is ["apis", var g, var v, "namespaces", var n, var p, var nm]) (group, version, ns, plural, name) = (g, v, n, p, nm);
        else if (parts is ["api", "v1", "namespaces", var n2, var p2, var nm2]) (group, version, ns, plural, name) = ("", "v1", n2, p2, nm2);
        else return await Status(ctx, 404, "NotFound", "the server could not find the requested resource", null);
        if (!Kinds.TryGetValue(plural, out var kind) || kind.Group != group || !Serves(group, version))
            return await Status(ctx, 404, "NotFound", "the server could not find the requested resource", null);

        string verb = ctx.Request.Method switch { "GET" => "get", "PATCH" => "patch", "PUT" => "update", "DELETE" => "delete", "POST" => "create", _ => "unknown" };
        if (_roles.TryGetValue(user, out var rules) && !rules.Any(r => r.Allows(verb, group, plural, name)))
            return await Status(ctx, 403, "Forbidden",
                $"{plural}{(group.Length > 0 ? "." + group : "")} \"{name}\" is forbidden: User \"{user}\" cannot {verb} resource \"{plural}\" in API group \"{group}\" in the namespace \"{ns}\"",
                Details(name, group, plural));

        var key = (plural, ns, name);
        return ctx.Request.Method switch
        {
            "GET" => await GetAsync(ctx, key, group, version),
            "PUT" or "PATCH" => await WriteAsync(ctx, key, group, version, kind.Crd, body),
            _ => await Status(ctx, 405, "MethodNotAllowed", $"the server does not allow this method on the requested resource", null),
        };
    }

    private bool Serves(string group, string version) => group switch
    {
        Istio => version == "v1" ? ServeIstioV1 : version is "v1beta1" or "v1alpha3",
        "apps" => version == "v1",
        _ => version == "v1",
    };

    // GET /apis: every API group with its versions (what client libraries discover from).
    private JsonObject GroupList()
    {
        var apps = new JsonObject { ["groupVersion"] = "apps/v1", ["version"] = "v1" };
        var groups = new JsonArray(
            new JsonObject { ["name"] = "apps", ["versions"] = new JsonArray(apps), ["preferredVersion"] = apps.DeepClone() },
            Discovery());
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    private JsonObject Discovery()
    {
        var versions = new JsonArray();
        foreach (var v in new[] { "v1", "v1beta1", "v1alpha3" }.Where(v => Serves(Istio, v)))
            versions.Add(new JsonObject { ["groupVersion"] = $"{Istio}/{v}", ["version"] = v });
        var preferred = versions[0]!.DeepClone();
        return new JsonObject { ["kind"] = "APIGroup", ["apiVersion"] = "v1", ["name"] = Istio, ["versions"] = versions, ["preferredVersion"] = preferred };
    }

    private async Task<int> GetAsync(HttpContext ctx, (string Plural, string Ns, string Name) key, string group, string version)
    {
        JsonObject? o;
        lock (_gate) o = _objects.TryGetValue(key, out var stored) ? (JsonObject)stored.DeepClone() : null;
        if (o is null) return await NotFound(ctx, key, group);
        o["apiVersion"] = group.Length == 0 ? version : $"{group}/{version}";
        return await Json(ctx, 200, o);
    }

    private async Task<int> WriteAsync(HttpContext ctx, (string Plural, string Ns, string Name) key, string group, string version, bool crd, string? body)
    {
        var mediaType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        bool patch = ctx.Request.Method == "PATCH";
        if (patch && mediaType is not ("application/json-patch+json" or "application/merge-patch+json"))
        {
            if (mediaType == "application/strategic-merge-patch+json" && crd)
                return await Status(ctx, 415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", null);
            return await Status(ctx, 415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json{(crd ? ", application/apply-patch+yaml" : ", application/strategic-merge-patch+json (not implemented by this double)")}", null);
        }
        if (!patch && mediaType != "application/json")
            return await Status(ctx, 415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml", null);

        JsonNode? input;
        try { input = JsonNode.Parse(body ?? ""); }
        catch (JsonException e) { return await Status(ctx, 400, "BadRequest", $"error decoding patch: {e.Message}", null); }

        if (_beforeNextWrite.TryDequeue(out var concurrent)) concurrent(this); // one queued edit per write

        // Decide under the lock, answer outside it.
        Func<Task<int>>? failure = null;
        JsonObject? result = null;
        lock (_gate)
            failure = Apply();
        if (failure is not null) return await failure();
        return await Stored(result!);

        Func<Task<int>>? Apply()
        {
            if (!_objects.TryGetValue(key, out var current))
                return () => NotFound(ctx, key, group);
            var currentRv = (string?)current["metadata"]!["resourceVersion"];
            JsonObject candidate;
            if (!patch)
            {
                if (input is not JsonObject obj) return () => Status(ctx, 400, "BadRequest", "the body must be an object", null);
                if ((string?)obj["metadata"]?["resourceVersion"] is not { Length: > 0 })
                    return () => Invalid(ctx, key, group, [Cause("FieldValueInvalid", "metadata.resourceVersion", "Invalid value: 0x0: must be specified for an update")]);
                candidate = (JsonObject)obj.DeepClone();
            }
            else if (mediaType == "application/merge-patch+json")
            {
                if (input is not JsonObject) return () => Status(ctx, 400, "BadRequest", "a merge patch must be a JSON object", null);
                candidate = (JsonObject)JsonMergePatch.Apply(current, input)!;
            }
            else
            {
                if (input is not JsonArray ops) return () => Status(ctx, 400, "BadRequest", "a JSON patch must be a JSON array of operations", null);
                if (ops.Count > 10000) return () => Status(ctx, 413, "RequestEntityTooLarge", $"The allowed maximum operations in a JSON patch is 10000, got {ops.Count}", null);
                try { candidate = JsonPatchDocument.Apply(current, ops) as JsonObject ?? throw new JsonPatchException("the result is not an object"); }
                catch (JsonPatchException e) when (e.Malformed)
                {
                    return () => Status(ctx, 400, "BadRequest", e.Message, null);
                }
                catch (JsonPatchException e)
                {
                    // The API server wraps patch application errors like this (NewGenericServerResponse 422).
                    return () => Status(ctx, 422, "Invalid", "the server rejected our request due to an error in our request",
                        new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = e.Message }) });
                }
            }

            // The resourceVersion in the result is a precondition (update, and patches that carry one).
            var wantRv = (string?)candidate["metadata"]?["resourceVersion"];
            if (wantRv is { Length: > 0 } && wantRv != currentRv)
                return () => Status(ctx, 409, "Conflict",
                    $"Operation cannot be fulfilled on {key.Plural}{(group.Length > 0 ? "." + group : "")} \"{key.Name}\": the object has been modified; please apply your changes to the latest version and try again",
                    Details(key.Name, group, key.Plural));

            var meta = candidate["metadata"] as JsonObject;
            var causes = new List<JsonObject>();
            if ((string?)meta?["name"] != key.Name) causes.Add(Cause("FieldValueInvalid", "metadata.name", $"Invalid value: \"{(string?)meta?["name"]}\": field is immutable"));
            if (meta?["namespace"] is { } nsNode && (string?)nsNode != key.Ns) causes.Add(Cause("FieldValueInvalid", "metadata.namespace", "Invalid value: field is immutable"));
            if (crd) causes.AddRange(Schemas.Validate(key.Plural, version, candidate));
            if (causes.Count > 0) return () => Invalid(ctx, key, group, causes);

            // System-owned metadata and status survive main-resource writes.
            foreach (var field in new[] { "uid", "creationTimestamp", "generation", "resourceVersion" })
                candidate["metadata"]![field] = current["metadata"]![field]?.DeepClone();
            candidate["metadata"]!["namespace"] = key.Ns;
            if (current["status"] is { } st) candidate["status"] = st.DeepClone(); else candidate.Remove("status");
            Bump(candidate, current["spec"]?.DeepClone());
            _objects[key] = Normalize(candidate);
            result = (JsonObject)candidate.DeepClone();
            return null;
        }

        async Task<int> Stored(JsonObject result)
        {
            result["apiVersion"] = group.Length == 0 ? version : $"{group}/{version}";
            if (crd) IstioWrites.Enqueue((JsonObject)result.DeepClone());
            return await Json(ctx, 200, result);
        }
    }

    private void Bump(JsonObject o, JsonNode? specBefore)
    {
        o["metadata"]!["resourceVersion"] = NextRv();
        if (!JsonNode.DeepEquals(specBefore, o["spec"]))
            o["metadata"]!["generation"] = Num(o["metadata"]!["generation"]) + 1;
    }

    // Values built in code (int, long) and parsed values (JsonElement) convert differently; store everything as parsed JSON.
    private static JsonObject Normalize(JsonObject o) => JsonNode.Parse(o.ToJsonString())!.AsObject();

    private static long Num(JsonNode? n) => n is null ? 0 : long.Parse(n.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private string NextRv() => Interlocked.Increment(ref _resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Cause(string reason, string field, string message) => new() { ["reason"] = reason, ["message"] = message, ["field"] = field };

    private static JsonObject Details(string name, string group, string plural) => new() { ["name"] = name, ["group"] = group, ["kind"] = plural };

    private Task<int> NotFound(HttpContext ctx, (string Plural, string Ns, string Name) key, string group) =>
        Status(ctx, 404, "NotFound", $"{key.Plural}{(group.Length > 0 ? "." + group : "")} \"{key.Name}\" not found", Details(key.Name, group, key.Plural));

    /// <summary>An injected failure, worded as the API server words it; 0 drops the connection without an answer.</summary>
    private static async Task<int> FaultAsync(HttpContext ctx, int status, TimeSpan? retryAfter)
    {
        if (status == 0)
        {
            ctx.Abort();
            return 0;
        }
        if (retryAfter is { } ra) ctx.Response.Headers.RetryAfter = ((int)Math.Ceiling(ra.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (reason, message) = status switch
        {
            429 => ("TooManyRequests", "Too many requests, please try again later."),
            409 => ("Conflict", "Operation cannot be fulfilled on the object: the object has been modified; please apply your changes to the latest version and try again"),
            503 => ("ServiceUnavailable", "the server is currently unable to handle the request"),
            504 => ("Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"),
            _ => ("InternalError", "Internal error occurred: injected fault"),
        };
        return await Status(ctx, status, reason, message, null);
    }

    private Task<int> Invalid(HttpContext ctx, (string Plural, string Ns, string Name) key, string group, List<JsonObject> causes)
    {
        var kind = Kinds[key.Plural].Kind;
        var details = Details(key.Name, group, kind);
        details["causes"] = new JsonArray(causes.Select(c => (JsonNode)c.DeepClone()).ToArray());
        return Status(ctx, 422, "Invalid",
            $"{kind}{(group.Length > 0 ? "." + group : "")} \"{key.Name}\" is invalid: [{string.Join(", ", causes.Select(c => $"{(string?)c["field"]}: {(string?)c["message"]}"))}]", details);
    }

    private static Task<int> Status(HttpContext ctx, int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure",
            ["message"] = message, ["reason"] = reason,
        };
        if (details is not null) status["details"] = details;
        status["code"] = code;
        return Json(ctx, code, status);
    }

    private static async Task<int> Json(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
        return code;
    }

    private static (string Plural, string Ns, string Name) KeyOf(JsonObject o)
    {
        var kind = (string?)o["kind"] ?? throw new InvalidOperationException("object has no kind");
        var plural = Kinds.First(k => k.Value.Kind == kind).Key;
        var meta = o["metadata"] as JsonObject ?? throw new InvalidOperationException("object has no metadata");
        return (plural, (string?)meta["namespace"] ?? "default", (string?)meta["name"] ?? throw new InvalidOperationException("object has no name"));
    }

    private static string VersionOf(JsonObject o) => ((string?)o["apiVersion"] ?? "").Split('/')[^1];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Ca.Dispose();
    }
}

/// <summary>A request held by <see cref="KubernetesApiDouble.HoldNext"/>: <see cref="Arrived"/> completes when it reaches the
/// server, <see cref="Release"/> lets the server process it.</summary>
public sealed class RequestHold(string method, string? pathContains)
{
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Arrived => _arrived.Task;

    public void Release() => _released.TrySetResult();

    internal bool Matches(string m, PathString path) =>
        string.Equals(m, method, StringComparison.OrdinalIgnoreCase) && (pathContains is null || (path.Value ?? "").Contains(pathContains, StringComparison.Ordinal));

    internal Task WaitAsync()
    {
        _arrived.TrySetResult();
        return _released.Task;
    }
}

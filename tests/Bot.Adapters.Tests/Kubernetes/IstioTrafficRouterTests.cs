using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

public sealed class IstioTrafficRouterTests : IAsyncLifetime
{
    private KubernetesTestCluster _k = null!;
    private static readonly TrafficTarget Target = KubernetesTestCluster.Checkout();

    public async Task InitializeAsync() => _k = await KubernetesTestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        AssertEveryIstioWriteIsValid();
        await _k.DisposeAsync();
    }

    private JsonObject Vs() => _k.Api.Get("virtualservices", "shop", "checkout")!;

    private static JsonArray Http(JsonObject vs) => vs["spec"]!["http"]!.AsArray();

    private static JsonObject Route(JsonObject vs, string name) => Http(vs).Single(r => (string?)r!["name"] == name)!.AsObject();

    private static (int Stable, int Canary) Weights(JsonObject vs, string route = "primary")
    {
        var dests = Route(vs, route)["route"]!.AsArray();
        int W(string subset) => (int?)dests.Single(d => (string?)d!["destination"]!["subset"] == subset)!["weight"] ?? -1;
        return (W("stable"), W("canary"));
    }

    private int Writes() => _k.Api.Requests.Count(r => r.Method is "PATCH" or "PUT");

    private int Reads(string plural) => _k.Api.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/" + plural + "/"));

    // Contract: every object the bot wrote validates against the CRD schema, weights are integers summing to 100, and every
    // destination names a subset the DestinationRule defines.
    private void AssertEveryIstioWriteIsValid()
    {
        var subsets = _k.Api.Get("destinationrules", "shop", "checkout")?["spec"]?["subsets"]?.AsArray().Select(s => (string?)s!["name"]).ToHashSet() ?? [];
        foreach (var written in _k.Api.IstioWrites)
        {
            var version = ((string)written["apiVersion"]!).Split('/')[1];
            _k.Api.Schemas.AssertValid((string)written["kind"]! == "VirtualService" ? "virtualservices" : "destinationrules", version, written);
            if ((string)written["kind"]! != "VirtualService") continue;
            foreach (var route in Http(written).OfType<JsonObject>())
            {
                if (route["route"] is not JsonArray dests) continue;
                if (dests.Count > 1) Assert.Equal(100, dests.Sum(d => (int)d!["weight"]!));
                foreach (var d in dests)
                    if ((string?)d!["destination"]!["subset"] is { } s) Assert.Contains(s, subsets);
            }
        }
    }

    [Fact]
    public async Task SetWeightAsync_ChangesOnlyTheNamedRoute_ByteEqualElsewhere()
    {
        var before = Vs();
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        var after = Vs();

        Assert.Equal((90, 10), Weights(after));
        Assert.Equal(Route(before, "internal-health").ToJsonString(), Route(after, "internal-health").ToJsonString());
        // Inside the named route only the weights moved: timeout and retries are as they were.
        Assert.Equal(Route(before, "primary")["retries"]!.ToJsonString(), Route(after, "primary")["retries"]!.ToJsonString());
        Assert.Equal("5s", (string?)Route(after, "primary")["timeout"]);
        Assert.Equal(Outside(before), Outside(after));
        Assert.Equal(1, Writes());
    }

    // Everything but spec.http's named route and the bookkeeping metadata, as JSON text.
    private static string Outside(JsonObject vs)
    {
        var copy = vs.DeepClone().AsObject();
        copy["metadata"]!.AsObject().Remove("resourceVersion");
        copy["metadata"]!.AsObject().Remove("generation");
        if (copy["metadata"]!["annotations"] is JsonObject annotations)
        {
            annotations.Remove(VirtualServiceRoutes.WeightsAnnotation);
            if (annotations.Count == 0) copy["metadata"]!.AsObject().Remove("annotations"); // the bot created it
        }
        var http = copy["spec"]!["http"]!.AsArray();
        http.RemoveAt(VirtualServiceRoutes.IndexOf(http, "primary"));
        return copy.ToJsonString();
    }

    [Fact]
    public async Task SetWeightAsync_SameWeightTwice_WritesOnce()
    {
        await _k.Router.SetWeightAsync(Target, 25, null, default);
        await _k.Router.SetWeightAsync(Target, 25, null, default);
        Assert.Equal(1, Writes());
        Assert.Equal(2, Reads("virtualservices"));
    }

    [Fact]
    public async Task SetWeightAsync_WritesGuardedJsonPatchWithAnnotation()
    {
        var rv = (string)Vs()["metadata"]!["resourceVersion"]!;
        await _k.Router.SetWeightAsync(Target, 30, null, default);
        var patch = _k.Api.Requests.Single(r => r.Method == "PATCH");
        Assert.StartsWith("application/json-patch+json", patch.ContentType);
        var ops = JsonNode.Parse(patch.Body!)!.AsArray();
        Assert.Equal("test", (string?)ops[0]!["op"]);
        Assert.Equal("/metadata/resourceVersion", (string?)ops[0]!["path"]);
        Assert.Equal(rv, (string?)ops[0]!["value"]);
        Assert.Equal("""{"primary":{"stable":70,"canary":30}}""", (string?)Vs()["metadata"]!["annotations"]![VirtualServiceRoutes.WeightsAnnotation]);
        Assert.NotEqual(rv, (string)Vs()["metadata"]!["resourceVersion"]!);
    }

    [Fact]
    public async Task SetWeightAsync_SomeoneEditsAnotherRouteMeanwhile_RetriesAndKeepsTheirEdit()
    {
        _k.Api.BeforeNextWrite(api => api.Edit("virtualservices", "shop", "checkout",
            vs => Route(vs, "internal-health")["timeout"] = "1s"));
        await _k.Router.SetWeightAsync(Target, 50, null, default);

        var vs = Vs();
        Assert.Equal((50, 50), Weights(vs));
        Assert.Equal("1s", (string?)Route(vs, "internal-health")["timeout"]);
        var patches = _k.Api.Requests.Where(r => r.Method == "PATCH").Select(r => r.Status).ToList();
        Assert.Equal([422, 200], patches); // the guarded patch lost once, then re-read and won
    }

    [Fact]
    public async Task SetWeightAsync_AlwaysConflicting_GivesUpAfterBoundedAttempts()
    {
        // Someone touches the object before each of the bot's writes (labels only: no drift, just lost races).
        for (int i = 0; i < _k.Options.MaxConflictAttempts; i++)
            _k.Api.BeforeNextWrite(api => api.Edit("virtualservices", "shop", "checkout", vs => vs["metadata"]!["labels"] = new JsonObject { ["touched"] = $"{i}" }));

        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => _k.Router.SetWeightAsync(Target, 20, null, default));

        Assert.Equal(409, ex.Code);
        Assert.Contains($"gave up after {_k.Options.MaxConflictAttempts} attempts", ex.Message);
        Assert.Equal(_k.Options.MaxConflictAttempts, _k.Api.Requests.Count(r => r.Method == "PATCH" && r.Status == 422));
        Assert.Equal((100, 0), Weights(Vs()));
    }

    [Fact]
    public async Task SetWeightAsync_WeightsChangedByAHuman_ThrowsDriftAndWritesNothing()
    {
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            var dests = Route(vs, "primary")["route"]!.AsArray();
            dests[0]!["weight"] = 70;
            dests[1]!["weight"] = 30;
        });
        int writes = Writes();

        var ex = await Assert.ThrowsAsync<TrafficDriftException>(() => _k.Router.SetWeightAsync(Target, 50, null, default));

        Assert.Equal(10, ex.ExpectedCanary);
        Assert.Equal(30, ex.LiveCanary);
        Assert.Contains("stable 70 / canary 30", ex.Message);
        Assert.Contains("stable 90 / canary 10", ex.Message);
        Assert.Equal(writes, Writes());
        Assert.Equal((70, 30), Weights(Vs()));
    }

    [Fact]
    public async Task SetWeightAsync_DriftAfterBotRestart_DetectedFromAnnotation()
    {
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        _k.Api.Edit("virtualservices", "shop", "checkout", vs => Route(vs, "primary")["route"]!.AsArray()[1]!["weight"] = 0);
        var restarted = new IstioTrafficRouter(new KubernetesClientFactory(_k.Options, _k.Time), _k.Options);

        var ex = await Assert.ThrowsAsync<TrafficDriftException>(() => restarted.SetWeightAsync(Target, 50, null, default));
        Assert.Equal(10, ex.ExpectedCanary);
        Assert.Equal(0, ex.LiveCanary);
    }

    [Fact]
    public async Task SetWeightAsync_AnnotationStrippedAndWeightsChanged_DetectedFromMemory()
    {
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            vs["metadata"]!.AsObject().Remove("annotations"); // a kubectl apply of the team's manifest
            var dests = Route(vs, "primary")["route"]!.AsArray();
            dests[0]!["weight"] = 100;
            dests[1]!["weight"] = 0;
        });
        await Assert.ThrowsAsync<TrafficDriftException>(() => _k.Router.SetWeightAsync(Target, 50, null, default));
    }

    [Fact]
    public async Task SetWeightAsync_ConflictWhereOurWeightsMoved_ReportsDriftInsteadOfOverwriting()
    {
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        _k.Api.BeforeNextWrite(api => api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            var dests = Route(vs, "primary")["route"]!.AsArray();
            dests[0]!["weight"] = 60;
            dests[1]!["weight"] = 40;
        }));
        await Assert.ThrowsAsync<TrafficDriftException>(() => _k.Router.SetWeightAsync(Target, 20, null, default));
        Assert.Equal((60, 40), Weights(Vs()));
    }

    [Fact]
    public async Task VerifyAsync_AllPresent_PassesWithoutWriting()
    {
        await _k.Router.VerifyAsync(Target, default);
        Assert.Equal(0, Writes());
    }

    [Fact]
    public async Task VerifyAsync_CanaryDestinationMissing_AddsItAtWeightZero()
    {
        _k.Api.Edit("virtualservices", "shop", "checkout", vs => Route(vs, "primary")["route"]!.AsArray().RemoveAt(1));
        await _k.Router.VerifyAsync(Target, default);
        Assert.Equal((100, 0), Weights(Vs()));
        Assert.Equal(1, Writes());
    }

    [Fact]
    public async Task VerifyAsync_MissingRoute_ListsTheRoutesFound()
    {
        var target = Target with { Route = Target.Route with { RouteName = "main" } };
        var ex = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Router.VerifyAsync(target, default));
        Assert.Contains("VirtualService shop/checkout", ex.Message);
        Assert.Contains("route 'main' not found; routes found: internal-health, primary", ex.Message);
        Assert.Equal(0, Writes());
    }

    [Fact]
    public async Task VerifyAsync_MissingVirtualService_SaysWhichAndWhere()
    {
        var target = Target with { Route = Target.Route with { VirtualService = "payments" } };
        var ex = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Router.VerifyAsync(target, default));
        Assert.Contains("VirtualService shop/payments not found in context test", ex.Message);
    }

    [Fact]
    public async Task VerifyAsync_SubsetMissingFromDestinationRule_StopsBeforeAnyWrite()
    {
        _k.Api.Edit("virtualservices", "shop", "checkout", vs => Route(vs, "primary")["route"]!.AsArray().RemoveAt(1));
        _k.Api.Edit("destinationrules", "shop", "checkout", dr => dr["spec"]!["subsets"]!.AsArray().RemoveAt(1));
        var ex = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Router.VerifyAsync(Target, default));
        Assert.Contains("DestinationRule shop/checkout", ex.Message);
        Assert.Contains("lacks subset(s) 'canary'; it defines: stable", ex.Message);
        Assert.Equal(0, Writes());
    }

    [Fact]
    public async Task VerifyAsync_RouteDoesNotReachStable_Explains()
    {
        var target = Target with { Route = Target.Route with { StableSubset = "v1" } };
        var ex = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Router.VerifyAsync(target, default));
        Assert.Contains("does not route to subset 'v1'", ex.Message);
    }

    [Fact]
    public async Task SetHeaderRouteAsync_InsertsBeforeWeightedRoute_AndRemovesIt()
    {
        await _k.Router.SetHeaderRouteAsync(Target, new HeaderRouteStep("x-canary", "1"), null, default);
        var vs = Vs();
        var names = Http(vs).Select(r => (string?)r!["name"]).ToList();
        Assert.Equal(["internal-health", "primary-release-bot-header", "primary"], names);
        var header = Route(vs, "primary-release-bot-header");
        Assert.Equal("1", (string?)header["match"]![0]!["headers"]!["x-canary"]!["exact"]);
        Assert.Equal("canary", (string?)header["route"]![0]!["destination"]!["subset"]);
        Assert.Equal("5s", (string?)header["timeout"]); // canary requests keep the route's timeout and retries

        await _k.Router.SetHeaderRouteAsync(Target, new HeaderRouteStep("x-canary", "1"), null, default);
        Assert.Equal(1, Writes()); // idempotent

        await _k.Router.SetHeaderRouteAsync(Target, null, null, default);
        Assert.Equal(["internal-health", "primary"], Http(Vs()).Select(r => (string?)r!["name"]).ToList());
    }

    [Fact]
    public async Task SetFaultAsync_WritesIstioFaultInjection_ValidAgainstTheCrd_AndRollbackRemovesIt()
    {
        var fault = new FaultStep(new FaultAbort(50, 503), new FaultDelay(20, TimeSpan.FromMilliseconds(1500)));
        await _k.Router.SetFaultAsync(Target, fault, null, default);
        var primary = Route(Vs(), "primary");
        Assert.Equal(503, (int)primary["fault"]!["abort"]!["httpStatus"]!);
        Assert.Equal(50d, (double)primary["fault"]!["abort"]!["percentage"]!["value"]!);
        Assert.Equal("1.5s", (string?)primary["fault"]!["delay"]!["fixedDelay"]);
        Assert.Equal(20d, (double)primary["fault"]!["delay"]!["percentage"]!["value"]!);

        await _k.Router.RollbackAsync(Target, null, default);
        Assert.Null(Route(Vs(), "primary")["fault"]);
    }

    [Fact]
    public async Task SetFaultAsync_Null_RemovesTheFault()
    {
        await _k.Router.SetFaultAsync(Target, new FaultStep(new FaultAbort(10, 500), null), null, default);
        await _k.Router.SetFaultAsync(Target, null, null, default);
        Assert.Null(Route(Vs(), "primary")["fault"]);
    }

    [Fact]
    public async Task SetMirrorAsync_SetsPercentage_AndRemovesIt()
    {
        await _k.Router.SetMirrorAsync(Target, 25, null, default);
        var primary = Route(Vs(), "primary");
        Assert.Equal("canary", (string?)primary["mirror"]!["subset"]);
        Assert.Equal(25d, (double)primary["mirrorPercentage"]!["value"]!);

        await _k.Router.SetMirrorAsync(Target, null, null, default);
        primary = Route(Vs(), "primary");
        Assert.Null(primary["mirror"]);
        Assert.Null(primary["mirrorPercentage"]);
    }

    [Fact]
    public async Task RollbackAsync_AfterHeaderMirrorAndWeight_OneReadOneWrite()
    {
        await _k.Router.SetWeightAsync(Target, 40, null, default);
        await _k.Router.SetHeaderRouteAsync(Target, new HeaderRouteStep("x-canary", "1"), null, default);
        await _k.Router.SetMirrorAsync(Target, 10, null, default);
        int reads = Reads("virtualservices"), writes = Writes();

        await _k.Router.RollbackAsync(KubernetesClientFactoryTarget(scaleDown: false), null, default);

        Assert.Equal(reads + 1, Reads("virtualservices"));
        Assert.Equal(writes + 1, Writes());
        var vs = Vs();
        Assert.Equal((100, 0), Weights(vs));
        Assert.Equal(["internal-health", "primary"], Http(vs).Select(r => (string?)r!["name"]).ToList());
        Assert.Null(Route(vs, "primary")["mirror"]);
    }

    [Fact]
    public async Task RollbackAsync_WithScaleDown_ScalesCanaryToZero()
    {
        await _k.Router.SetWeightAsync(Target, 40, null, default);
        await _k.Router.RollbackAsync(KubernetesClientFactoryTarget(scaleDown: true), null, default);
        Assert.Equal(0, (int)_k.Api.Get("deployments", "shop", "checkout-canary")!["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task RollbackAsync_AfterDrift_StillRollsBack()
    {
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        _k.Api.Edit("virtualservices", "shop", "checkout", vs =>
        {
            var dests = Route(vs, "primary")["route"]!.AsArray();
            dests[0]!["weight"] = 50;
            dests[1]!["weight"] = 50;
        });
        await _k.Router.RollbackAsync(Target, null, default);
        Assert.Equal((100, 0), Weights(Vs()));
    }

    private static TrafficTarget KubernetesClientFactoryTarget(bool scaleDown) => KubernetesTestCluster.Checkout(scaleDown: scaleDown);

    [Fact]
    public async Task SetWeightAsync_IstioWithoutV1_FallsBackToV1beta1()
    {
        _k.Api.ServeIstioV1 = false;
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        Assert.Contains(_k.Api.Requests, r => r.Method == "PATCH" && r.Path.StartsWith("/apis/networking.istio.io/v1beta1/", StringComparison.Ordinal));
        Assert.DoesNotContain(_k.Api.Requests, r => r.Path.StartsWith("/apis/networking.istio.io/v1/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetWeightAsync_TooManyRequests_RetriesHonouringRetryAfter()
    {
        _k.Api.FailNext(429, TimeSpan.Zero, "PATCH");
        _k.Api.FailNext(503, null, "PATCH");
        await _k.Router.SetWeightAsync(Target, 10, null, default);
        Assert.Equal([429, 503, 200], _k.Api.Requests.Where(r => r.Method == "PATCH").Select(r => r.Status).ToList());
        Assert.Equal((90, 10), Weights(Vs()));
    }

    [Fact]
    public async Task SetWeightAsync_RoleLacksPatch_ForbiddenNamesVerbAndResource()
    {
        _k.Api.Bind(KubernetesTestCluster.BotUser, [new RbacRule(["networking.istio.io"], ["virtualservices", "destinationrules"], ["get"], [])]);
        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => _k.Router.SetWeightAsync(Target, 10, null, default));
        Assert.Equal(403, ex.Code);
        Assert.Equal("Forbidden", ex.Reason);
        Assert.Contains("lacks verb 'patch' on resource 'virtualservices.networking.istio.io' in namespace 'shop'", ex.Message);
        Assert.Contains("cannot patch resource \"virtualservices\" in API group \"networking.istio.io\"", ex.ServerMessage);
    }

    [Fact]
    public async Task SchemaInvalidWrite_Rejected422WithCauses_NotRetried()
    {
        var client = _k.Clients.GetClient(null);
        var ops = new JsonArray(new JsonObject { ["op"] = "replace", ["path"] = "/spec/http/1/route/0/weight", ["value"] = "ninety" });
        var ex = await Assert.ThrowsAsync<KubernetesApiException>(() => client.PatchVirtualServiceAsync("shop", "checkout", ops, default));
        Assert.Equal(422, ex.Code);
        Assert.Equal("Invalid", ex.Reason);
        Assert.False(ex.IsPatchTestFailure);
        Assert.Contains(ex.Causes, c => c.Field == "spec.http[1].route[0].weight" && c.Message!.Contains("must be of type integer"));
        Assert.Single(_k.Api.Requests, r => r.Method == "PATCH");
    }
}

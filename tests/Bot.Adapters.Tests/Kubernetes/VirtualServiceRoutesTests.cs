using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.TestKit;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

public sealed class VirtualServiceRoutesTests
{
    private static JsonObject Load(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Bot.Adapters.Tests", "Kubernetes", "Fixtures", name)))!.AsObject();

    private static JsonArray Http(JsonObject vs) => vs["spec"]!["http"]!.AsArray();

    private static RouteRef Ref(string route, string? host = null) => new(route, host, "stable", "canary");

    private static JsonObject WithHttp(JsonObject vs, JsonArray http)
    {
        var copy = vs.DeepClone().AsObject();
        copy["spec"]!["http"] = http.DeepClone();
        return copy;
    }

    private static (int? Stable, int? Canary) Weights(JsonArray http, string route)
    {
        var dests = http[VirtualServiceRoutes.IndexOf(http, route)]!["route"]!.AsArray();
        int? W(string s) => (int?)dests.FirstOrDefault(d => (string?)d!["destination"]!["subset"] == s)?["weight"];
        return (W("stable"), W("canary"));
    }

    public static TheoryData<string, string, int, int, bool> WeightCases => new()
    {
        // fixture, route, canary weight, expected stable, changed
        { "storefront-gateway.json", "web-main", 10, 90, true },
        { "storefront-gateway.json", "web-main", 0, 100, true },   // canary destination added at 0
        { "storefront-gateway.json", "web-main", 100, 0, true },
        { "reviews-split.json", "split", 20, 80, false },          // already there: nothing to write
        { "reviews-split.json", "split", 50, 50, true },
        { "ratings-sole.json", "main", 5, 95, true },              // sole destination without a weight
    };

    [Theory]
    [MemberData(nameof(WeightCases))]
    public void SetWeight_OnRealWorldShapes_ChangesOnlyTheNamedRoute(string fixture, string route, int canary, int stable, bool changed)
    {
        var vs = Load(fixture);
        var http = Http(vs);
        var before = http.ToJsonString();

        var edit = VirtualServiceRoutes.SetWeight(http, Ref(route), canary);

        Assert.Equal(changed, edit.Changed);
        Assert.Equal(before, http.ToJsonString()); // the input is never modified
        Assert.Equal((stable, canary), Weights(edit.Http, route));
        Assert.Equal(http.Count, edit.Http.Count);
        for (int i = 0; i < http.Count; i++)
        {
            if ((string?)http[i]!["name"] == route) continue;
            Assert.Equal(http[i]!.ToJsonString(), edit.Http[i]!.ToJsonString()); // byte-equal
        }
        // Inside the named route, everything but the destinations' weights stays as it was.
        var oldRoute = http[VirtualServiceRoutes.IndexOf(http, route)]!.AsObject();
        var newRoute = edit.Http[VirtualServiceRoutes.IndexOf(edit.Http, route)]!.AsObject();
        foreach (var (key, value) in oldRoute)
            if (key != "route") Assert.Equal(value!.ToJsonString(), newRoute[key]!.ToJsonString());
        IstioCrdSchemas.Shared.AssertValid("virtualservices", ((string)vs["apiVersion"]!).Split('/')[1], WithHttp(vs, edit.Http));
    }

    [Fact]
    public void SetWeight_AddsCanaryNextToStable_CopyingHostAndPort()
    {
        var edit = VirtualServiceRoutes.SetWeight(Http(Load("storefront-gateway.json")), Ref("web-main"), 10);
        var dests = edit.Http[VirtualServiceRoutes.IndexOf(edit.Http, "web-main")]!["route"]!.AsArray();
        Assert.Equal(2, dests.Count);
        Assert.Equal("""{"host":"storefront.shop.svc.cluster.local","subset":"canary","port":{"number":80}}""", dests[1]!["destination"]!.ToJsonString());
        // The stable destination's own headers stay; only its weight changed.
        Assert.Equal("""{"request":{"set":{"x-track":"stable"}}}""", dests[0]!["headers"]!.ToJsonString());
    }

    [Fact]
    public void SetWeight_MissingRoute_ListsRoutesFound()
    {
        var ex = Assert.Throws<RouteCheckFailedException>(() => VirtualServiceRoutes.SetWeight(Http(Load("ratings-sole.json")), Ref("primary"), 10));
        Assert.Equal("route 'primary' not found; routes found: #0 (unnamed), main", ex.Message);
    }

    [Fact]
    public void SetWeight_DelegatingRoute_SaysItHasNoDestinations()
    {
        var ex = Assert.Throws<RouteCheckFailedException>(() => VirtualServiceRoutes.SetWeight(Http(Load("storefront-gateway.json")), Ref("checkout-flow"), 10));
        Assert.Contains("has no destinations (it uses delegate)", ex.Message);
    }

    [Fact]
    public void SetWeight_RouteWithoutStableSubset_ListsDestinations()
    {
        var ex = Assert.Throws<RouteCheckFailedException>(() => VirtualServiceRoutes.SetWeight(Http(Load("storefront-gateway.json")), Ref("api-v2"), 10));
        Assert.Contains("does not route to subset 'stable'", ex.Message);
        Assert.Contains("storefront-api.shop.svc.cluster.local", ex.Message);
    }

    [Fact]
    public void SetWeight_ThirdDestination_RefusesBecauseWeightsCouldNotSumTo100()
    {
        var http = Http(Load("reviews-split.json"));
        http[1]!["route"]!.AsArray().Add(new JsonObject { ["destination"] = new JsonObject { ["host"] = "reviews", ["subset"] = "v3" }, ["weight"] = 0 });
        var ex = Assert.Throws<RouteCheckFailedException>(() => VirtualServiceRoutes.SetWeight(http, Ref("split"), 10));
        Assert.Contains("reviews/v3", ex.Message);
    }

    [Fact]
    public void SetWeight_HostGiven_MatchesShortAndLongNames()
    {
        var edit = VirtualServiceRoutes.SetWeight(Http(Load("reviews-split.json")), Ref("split", "reviews.bookinfo.svc.cluster.local"), 30);
        Assert.Equal((70, 30), Weights(edit.Http, "split"));
        Assert.Throws<RouteCheckFailedException>(() => VirtualServiceRoutes.SetWeight(Http(Load("reviews-split.json")), Ref("split", "ratings"), 30));
    }

    [Fact]
    public void SetHeaderRoute_RouteWithMatches_AndsHeaderIntoEachBlock()
    {
        var http = Http(Load("storefront-gateway.json"));
        var edit = VirtualServiceRoutes.SetHeaderRoute(http, Ref("web-main"), new HeaderRouteStep("x-canary", "always"));

        Assert.True(edit.Changed);
        int header = VirtualServiceRoutes.IndexOf(edit.Http, "web-main-release-bot-header");
        Assert.Equal(VirtualServiceRoutes.IndexOf(edit.Http, "web-main") - 1, header);
        var match = edit.Http[header]!["match"]!.AsArray();
        Assert.Equal(2, match.Count);
        Assert.All(match, m => Assert.Equal("always", (string?)m!["headers"]!["x-canary"]!["exact"]));
        Assert.Equal("""{"prefix":"/"}""", match[0]!["uri"]!.ToJsonString());
        Assert.Equal("""{"app":"edge"}""", match[0]!["sourceLabels"]!.ToJsonString());
        Assert.Equal("10s", (string?)edit.Http[header]!["timeout"]);
        Assert.Equal("canary", (string?)edit.Http[header]!["route"]![0]!["destination"]!["subset"]);
        Assert.Equal(100, (int)edit.Http[header]!["route"]![0]!["weight"]!);
        // Every original route is still there, byte-equal.
        foreach (var r in http)
            Assert.Equal(r!.ToJsonString(), edit.Http[VirtualServiceRoutes.IndexOf(edit.Http, (string?)r["name"] ?? "")]?.ToJsonString() ?? r.ToJsonString());
        IstioCrdSchemas.Shared.AssertValid("virtualservices", "v1", WithHttp(Load("storefront-gateway.json"), edit.Http));

        var again = VirtualServiceRoutes.SetHeaderRoute(edit.Http, Ref("web-main"), new HeaderRouteStep("x-canary", "always"));
        Assert.False(again.Changed);
        var removed = VirtualServiceRoutes.SetHeaderRoute(edit.Http, Ref("web-main"), null);
        Assert.Equal(http.ToJsonString(), removed.Http.ToJsonString());
    }

    [Fact]
    public void SetHeaderRoute_UppercaseHeader_Refused()
    {
        Assert.Throws<RouteCheckFailedException>(() =>
            VirtualServiceRoutes.SetHeaderRoute(Http(Load("reviews-split.json")), Ref("split"), new HeaderRouteStep("X-Canary", "1")));
    }

    [Fact]
    public void SetMirror_ForeignMirror_NeverReplaced()
    {
        var http = Http(Load("storefront-gateway.json"));
        var ex = Assert.Throws<RouteCheckFailedException>(() => VirtualServiceRoutes.SetMirror(http, Ref("shadow-analytics"), 20));
        Assert.Contains("analytics.data.svc.cluster.local", ex.Message);
        Assert.False(VirtualServiceRoutes.SetMirror(http, Ref("shadow-analytics"), null).Changed); // not ours to remove
    }

    [Fact]
    public void SetMirror_SetsAndChangesPercentage()
    {
        var http = Http(Load("storefront-gateway.json"));
        var edit = VirtualServiceRoutes.SetMirror(http, Ref("web-main"), 12.5);
        var route = edit.Http[VirtualServiceRoutes.IndexOf(edit.Http, "web-main")]!;
        Assert.Equal("""{"host":"storefront.shop.svc.cluster.local","subset":"canary","port":{"number":80}}""", route["mirror"]!.ToJsonString());
        Assert.Equal(12.5, (double)route["mirrorPercentage"]!["value"]!);
        Assert.False(VirtualServiceRoutes.SetMirror(edit.Http, Ref("web-main"), 12.5).Changed);
        IstioCrdSchemas.Shared.AssertValid("virtualservices", "v1", WithHttp(Load("storefront-gateway.json"), edit.Http));
    }

    [Fact]
    public void Rollback_RemovesBotPartsOnly_InOneEdit()
    {
        var http = Http(Load("reviews-split.json"));
        var withHeader = VirtualServiceRoutes.SetHeaderRoute(http, Ref("split"), new HeaderRouteStep("x-canary", "1")).Http;

        var edit = VirtualServiceRoutes.Rollback(withHeader, Ref("split"));

        Assert.True(edit.Changed);
        Assert.Equal(["jason", "split"], edit.Http.Select(r => (string?)r!["name"]).ToList());
        Assert.Equal((100, 0), Weights(edit.Http, "split"));
        Assert.Null(edit.Http[1]!["mirror"]);
        Assert.Equal(http[0]!.ToJsonString(), edit.Http[0]!.ToJsonString());
        Assert.False(VirtualServiceRoutes.Rollback(edit.Http, Ref("split")).Changed);
    }

    [Fact]
    public void RecordedWeights_RoundTripsPerRoute_KeepingOthers()
    {
        var vs = Load("reviews-split.json");
        Assert.Null(VirtualServiceRoutes.RecordedWeights(vs, "split"));
        vs["metadata"]!["annotations"] = new JsonObject
        {
            [VirtualServiceRoutes.WeightsAnnotation] = VirtualServiceRoutes.WithRecordedWeights(vs, "other", new RouteWeights(60, 40)),
        };
        vs["metadata"]!["annotations"]![VirtualServiceRoutes.WeightsAnnotation] = VirtualServiceRoutes.WithRecordedWeights(vs, "split", new RouteWeights(80, 20));
        Assert.Equal(new RouteWeights(80, 20), VirtualServiceRoutes.RecordedWeights(vs, "split"));
        Assert.Equal(new RouteWeights(60, 40), VirtualServiceRoutes.RecordedWeights(vs, "other"));
        vs["metadata"]!["annotations"]![VirtualServiceRoutes.WeightsAnnotation] = "not json";
        Assert.Null(VirtualServiceRoutes.RecordedWeights(vs, "split"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void SetWeight_OutOfRange_Throws(int weight) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => VirtualServiceRoutes.SetWeight(Http(Load("reviews-split.json")), Ref("split"), weight));
}

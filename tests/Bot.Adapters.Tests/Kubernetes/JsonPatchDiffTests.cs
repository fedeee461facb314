using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

public sealed class JsonPatchDiffTests
{
    [Theory]
    [InlineData("""{"a":1,"b":{"c":[1,2]}}""", """{"a":1,"b":{"c":[1,3]}}""", 1)]
    [InlineData("""{"a":1,"b":{"c":[1,2]}}""", """{"a":1,"b":{"c":[1,2,3]}}""", 1)]
    [InlineData("""{"a":1,"b/x":2}""", """{"b/x":3,"d~":4}""", 3)]
    [InlineData("""{"a":[{"w":90},{"w":10}]}""", """{"a":[{"w":90},{"w":10}]}""", 0)]
    public void Diff_AppliedWithRfc6902_YieldsTarget(string before, string after, int expectedOps)
    {
        var ops = new JsonArray();
        JsonPatchDiff.Diff(JsonNode.Parse(before), JsonNode.Parse(after), "", ops);
        Assert.Equal(expectedOps, ops.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(after), JsonPatchDocument.Apply(JsonNode.Parse(before)!, ops)));
    }

    [Fact]
    public void Diff_WeightChange_IsTwoScalarReplaces()
    {
        var http = JsonNode.Parse("""[{"name":"primary","route":[{"destination":{"host":"checkout","subset":"stable"},"weight":90},{"destination":{"host":"checkout","subset":"canary"},"weight":10}]}]""")!.AsArray();
        var edit = VirtualServiceRoutes.SetWeight(http, new RouteRef("primary", null, "stable", "canary"), 30);
        var ops = new JsonArray();
        JsonPatchDiff.Diff(http, edit.Http, "/spec/http", ops);
        Assert.Equal("""[{"op":"replace","path":"/spec/http/0/route/0/weight","value":70},{"op":"replace","path":"/spec/http/0/route/1/weight","value":30}]""", ops.ToJsonString());
    }
}

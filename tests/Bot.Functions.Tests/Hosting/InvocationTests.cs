using System.Text.Json.Nodes;
using Bot.Functions.Hosting;
using Bot.Functions.Invocations;
using Microsoft.Extensions.Configuration;

namespace Bot.Functions.Tests.Hosting;

public sealed class InvocationTests
{
    [Theory]
    [InlineData("{\"service\":\"a\"}", "{\"service\":\"a\"}")]
    [InlineData("\"{\\\"service\\\":\\\"a\\\"}\"", "{\"service\":\"a\"}")]
    [InlineData("plain text", "plain text")]
    [InlineData("\"\\\"twice\\\"\"", "\"twice\"")]
    public void TextOf_QueueText_UnwrapsOneLayerOfJsonQuotes(string sent, string expected)
    {
        var inv = new FunctionInvocation("RolloutSteps", new JsonObject { ["msg"] = sent }, []);
        Assert.Equal(expected, inv.TextOf("msg"));
    }

    [Fact]
    public void TextOf_ObjectValue_ReturnsItsJson()
    {
        var inv = FunctionInvocation.Parse("RolloutSteps", JsonNode.Parse("{\"data\":{\"msg\":{\"service\":\"a\"}},\"metadata\":{\"DequeueCount\":2}}"));
        Assert.Equal("{\"service\":\"a\"}", inv.TextOf("msg"));
        Assert.Equal("2", inv.MetadataText("dequeueCount"));
    }

    [Fact]
    public void Parse_DataNotAnObject_Throws()
    {
        Assert.Throws<FormatException>(() => FunctionInvocation.Parse("X", JsonNode.Parse("{\"Data\":[1]}")));
        Assert.Throws<FormatException>(() => FunctionInvocation.Parse("X", JsonNode.Parse("[]")));
    }

    [Theory]
    [InlineData("{\"Url\":\"http://x/api/a?b=1\",\"Method\":\"POST\",\"Query\":{\"b\":\"1\"},\"Headers\":{\"X-A\":[\"1\",\"2\"]},\"Body\":\"hi\"}")]
    [InlineData("{\"Url\":\"http://x/api/a?b=1\",\"Method\":\"POST\",\"Query\":\"{\\\"b\\\":\\\"1\\\"}\",\"Headers\":{\"X-A\":[\"1\",\"2\"]},\"Body\":\"hi\"}")]
    public void HttpTriggerRequest_QueryAsObjectOrString_ParsesBoth(string req)
    {
        var r = HttpTriggerRequest.Parse(JsonNode.Parse(req));
        Assert.Equal("1", r.Query["b"]);
        Assert.Equal(["1", "2"], r.Headers["x-a"]);
        Assert.Equal("hi", r.Body);
        Assert.Equal("POST", r.Method);
    }

    [Fact]
    public void Detect_CustomHandlerPortSet_IsFunctionsModeOnThatPort()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "40123" }).Build();
        var env = HostEnvironment.Detect(config);
        Assert.Equal(HostMode.Functions, env.Mode);
        Assert.Equal(40123, env.Port);
    }

    [Fact]
    public void Detect_NothingSet_IsStandaloneOn7071()
    {
        var env = HostEnvironment.Detect(new ConfigurationBuilder().Build());
        Assert.Equal(HostMode.Standalone, env.Mode);
        Assert.Equal(7071, env.Port);
    }

    [Fact]
    public void Detect_BadPort_ThrowsNamingTheSetting()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "http" }).Build();
        var ex = Assert.Throws<InvalidOperationException>(() => HostEnvironment.Detect(config));
        Assert.Contains("FUNCTIONS_CUSTOMHANDLER_PORT", ex.Message, StringComparison.Ordinal);
    }
}

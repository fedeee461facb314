using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

/// <summary>The double follows API conventions; these pin the behaviours the bot relies on.</summary>
public sealed class KubernetesApiDoubleTests : IAsyncLifetime
{
    private const string VsPath = "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout";
    private KubernetesApiDouble _api = null!;
    private HttpClient _http = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _api = await KubernetesApiDouble.StartAsync();
        _api.CreateFromYaml(KubernetesTestCluster.InfraPath("sample", "checkout.yaml"));
        _token = _api.IssueToken("admin");
        var ca = _api.Ca.Certificate;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
                cert is not null && errors == System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors && _api.Ca.Issued(cert),
        };
        _http = new HttpClient(handler) { BaseAddress = _api.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _token);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    private async Task<(HttpStatusCode Code, JsonObject Body)> Send(HttpMethod method, string path, string? body = null, string? type = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, type!);
        using var res = await _http.SendAsync(req);
        return (res.StatusCode, JsonNode.Parse(await res.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<string> Rv() => (string)(await Send(HttpMethod.Get, VsPath)).Body["metadata"]!["resourceVersion"]!;

    [Theory]
    [InlineData(true, "v1,v1beta1,v1alpha3")]
    [InlineData(false, "v1beta1,v1alpha3")]
    public async Task GroupList_ListsIstioWithTheVersionsServed(bool serveV1, string versions)
    {
        _api.ServeIstioV1 = serveV1;
        var (code, body) = await Send(HttpMethod.Get, "/apis");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("APIGroupList", (string?)body["kind"]);
        var istio = body["groups"]!.AsArray().Single(g => (string?)g!["name"] == "networking.istio.io")!;
        Assert.Equal(versions, string.Join(',', istio["versions"]!.AsArray().Select(v => (string?)v!["version"])));
    }

    [Fact]
    public async Task Patch_MergeWithStaleResourceVersion_409Conflict()
    {
        var (code, body) = await Send(HttpMethod.Patch, VsPath, """{"metadata":{"resourceVersion":"1"},"spec":{"gateways":["mesh"]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", (string?)body["reason"]);
        Assert.EndsWith("the object has been modified; please apply your changes to the latest version and try again", (string?)body["message"]);
    }

    [Fact]
    public async Task Patch_MergeWithCurrentResourceVersion_AppliesAndBumps()
    {
        var rv = await Rv();
        var (code, body) = await Send(HttpMethod.Patch, VsPath, $$$"""{"metadata":{"resourceVersion":"{{{rv}}}"},"spec":{"gateways":["mesh","istio-ingress/public"]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.NotEqual(rv, (string?)body["metadata"]!["resourceVersion"]);
        Assert.Equal(2, (int)body["metadata"]!["generation"]!);
        Assert.Equal(2, body["spec"]!["gateways"]!.AsArray().Count); // lists are replaced whole
        Assert.Equal(2, body["spec"]!["http"]!.AsArray().Count);     // untouched keys stay
    }

    [Fact]
    public async Task Patch_JsonPatchTestFails_422()
    {
        var (code, body) = await Send(HttpMethod.Patch, VsPath, """[{"op":"test","path":"/metadata/resourceVersion","value":"1"},{"op":"replace","path":"/spec/gateways","value":[]}]""", "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("testing value /metadata/resourceVersion failed", body["details"]!["causes"]![0]!["message"]!.ToString());
    }

    [Fact]
    public async Task Patch_StrategicMergeOnCrd_415()
    {
        var (code, body) = await Send(HttpMethod.Patch, VsPath, """{"spec":{"gateways":["mesh"]}}""", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Equal("UnsupportedMediaType", (string?)body["reason"]);
    }

    [Fact]
    public async Task Get_Missing_404StatusBody()
    {
        var (code, body) = await Send(HttpMethod.Get, "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", (string?)body["kind"]);
        Assert.Equal("virtualservices.networking.istio.io \"nope\" not found", (string?)body["message"]);
        Assert.Equal(404, (int)body["code"]!);
    }

    [Fact]
    public async Task Patch_SchemaViolations_422InvalidWithCauses()
    {
        var rv = await Rv();
        var ops = $$$"""
            [{"op":"test","path":"/metadata/resourceVersion","value":"{{{rv}}}"},
             {"op":"replace","path":"/spec/http/1/timeout","value":"0.5ms"},
             {"op":"add","path":"/spec/http/1/match","value":[{"uri":{"exact":"/a","prefix":"/b"}}]}]
            """;
        var (code, body) = await Send(HttpMethod.Patch, VsPath, ops, "application/json-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", (string?)body["reason"]);
        var fields = body["details"]!["causes"]!.AsArray().Select(c => (string?)c!["field"]).ToList();
        Assert.Contains("spec.http[1].timeout", fields);              // CEL: duration >= 1ms
        Assert.Contains(fields, f => f!.StartsWith("spec.http[1].match[0].uri", StringComparison.Ordinal)); // oneOf exact|prefix|regex
        Assert.Equal(rv, await Rv()); // nothing stored
    }

    [Fact]
    public async Task Put_WithoutResourceVersion_422_AndStale_409()
    {
        var (_, vs) = await Send(HttpMethod.Get, VsPath);
        vs["metadata"]!.AsObject().Remove("resourceVersion");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Put, VsPath, vs.ToJsonString(), "application/json")).Code);
        vs["metadata"]!["resourceVersion"] = "3";
        Assert.Equal(HttpStatusCode.Conflict, (await Send(HttpMethod.Put, VsPath, vs.ToJsonString(), "application/json")).Code);
    }

    [Fact]
    public async Task Request_BadToken_401()
    {
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "forged");
        var (code, body) = await Send(HttpMethod.Get, VsPath);
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("Unauthorized", (string?)body["reason"]);
    }

    [Fact]
    public async Task Patch_MainResource_KeepsStatus()
    {
        _api.CompleteRollout("shop", "checkout-canary");
        var path = "/apis/apps/v1/namespaces/shop/deployments/checkout-canary";
        var (code, body) = await Send(HttpMethod.Patch, path, """{"status":{"replicas":99},"spec":{"replicas":2}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(1, (int)body["status"]!["replicas"]!);
        Assert.Equal(2, (int)body["metadata"]!["generation"]!);
    }

    [Fact]
    public void Schemas_ServeEveryCrdVersion()
    {
        foreach (var plural in new[] { "virtualservices", "destinationrules" })
            foreach (var v in new[] { "v1", "v1beta1", "v1alpha3" })
                Assert.True(_api.Schemas.Serves(plural, v), $"{plural} {v}");
    }

    [Theory]
    [InlineData("1ms", 1)]
    [InlineData("1.5s", 1500)]
    [InlineData("1h2m", 3720000)]
    [InlineData("0", 0)]
    public void GoDuration_ParsesLikeGo(string text, long ms) => Assert.Equal(TimeSpan.FromMilliseconds(ms), IstioCrdSchemas.GoDuration(text));

    [Theory]
    [InlineData("5")]
    [InlineData("s")]
    [InlineData("1d")]
    public void GoDuration_Malformed_Null(string text) => Assert.Null(IstioCrdSchemas.GoDuration(text));
}

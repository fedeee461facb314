using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bot.TestKit.Kubernetes;

namespace Bot.Benchmarks;

/// <summary>One weight change through the Istio router (GET + guarded JSON PATCH, transform, annotation) against a bare
/// GET + PATCH of the same size over the same HttpClient/connection, both against the HTTPS API double. Target: ratio ≤ 1.2.</summary>
public sealed class IstioBenchmark : IBenchmark
{
    private const int Warmup = 50;
    private const int Iterations = 400;
    private const string Path = "/apis/networking.istio.io/v1/namespaces/shop/virtualservices/checkout";

    public string Name => "istio";
    public string Description => "latency of one weight change (router) vs a bare GET+PATCH over the same connection";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        await using var k = await KubernetesTestCluster.StartAsync();
        var target = KubernetesTestCluster.Checkout(withDeployments: false);
        var sdk = (k8s.Kubernetes)k.Clients.GetClient(null).Api;
        await k.Router.VerifyAsync(target, ct);

        var router = new List<double>(Iterations);
        var bare = new List<double>(Iterations);
        int weight = 0;
        for (int i = 0; i < Warmup + Iterations; i++)
        {
            // Alternate so every call really writes; interleave so both see the same machine noise.
            weight = weight == 10 ? 20 : 10;
            long t0 = Stopwatch.GetTimestamp();
            await k.Router.SetWeightAsync(target, weight, null, ct);
            long t1 = Stopwatch.GetTimestamp();
            weight = weight == 10 ? 20 : 10;
            await BareAsync(sdk, k.BotToken, weight, ct);
            long t2 = Stopwatch.GetTimestamp();
            if (i < Warmup) continue;
            router.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            bare.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
        }

        double rp50 = Percentile(router, 50), rp99 = Percentile(router, 99), bp50 = Percentile(bare, 50), bp99 = Percentile(bare, 99);
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iterations: {Iterations} each (after {Warmup} warm-up), HTTPS to the API double on 127.0.0.1"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"router SetWeightAsync (GET+PATCH): p50 {rp50:0.000} ms  p99 {rp99:0.000} ms"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare GET+PATCH:                    p50 {bp50:0.000} ms  p99 {bp99:0.000} ms"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio router/bare: p50 {rp50 / bp50:0.00}  p99 {rp99 / bp99:0.00}  (target p50 <= 1.2: {(rp50 / bp50 <= 1.2 ? "met" : "NOT met")})"));
    }

    // The same wire work as the router's write: read the object, then a resourceVersion-guarded JSON patch of both weights
    // and the weights annotation (so the router sees no drift on its next turn). Over the SDK client's own HttpClient (its
    // handlers and connection pool; HTTP/2 as the SDK asks for it), without the SDK's serialization and the router's logic.
    internal static async Task BareAsync(k8s.Kubernetes sdk, string token, int canary, CancellationToken ct)
    {
        var http = sdk.HttpClient;
        var uri = new Uri(sdk.BaseUri, Path);
        string rv;
        using (var get = new HttpRequestMessage(HttpMethod.Get, uri) { Version = System.Net.HttpVersion.Version20 })
        {
            get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var res = await http.SendAsync(get, ct);
            res.EnsureSuccessStatusCode();
            using var doc = JsonDocument.Parse(await res.Content.ReadAsStreamAsync(ct));
            rv = doc.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
        }
        var annotation = JsonSerializer.Serialize($$$"""{"primary":{"stable":{{{100 - canary}}},"canary":{{{canary}}}}}""");
        var body = $$"""[{"op":"test","path":"/metadata/resourceVersion","value":"{{rv}}"},{"op":"replace","path":"/spec/http/1/route/0/weight","value":{{100 - canary}}},{"op":"replace","path":"/spec/http/1/route/1/weight","value":{{canary}}},{"op":"add","path":"/metadata/annotations/release-bot~1weights","value":{{annotation}}}]""";
        using var patch = new HttpRequestMessage(HttpMethod.Patch, uri) { Version = System.Net.HttpVersion.Version20, Content = new StringContent(body, Encoding.UTF8, "application/json-patch+json") };
        patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var pres = await http.SendAsync(patch, ct);
        pres.EnsureSuccessStatusCode();
        await pres.Content.ReadAsStringAsync(ct);
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

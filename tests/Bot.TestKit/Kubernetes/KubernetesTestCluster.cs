using Bot.Adapters.Kubernetes;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.TestKit.Kubernetes;

/// <summary>The double seeded with infra/kubernetes/sample (namespace shop, service checkout), a bot token bound to the
/// infra/kubernetes/rbac.yaml Role, a kubeconfig for it, and the bot's router and Deployment controller wired to it.</summary>
public sealed class KubernetesTestCluster : IAsyncDisposable
{
    public const string BotUser = "system:serviceaccount:release-bot:release-bot";

    private KubernetesTestCluster(KubernetesApiDouble api, string dir, KubernetesOptions options, FakeTimeProvider time, string token)
    {
        BotToken = token;
        Api = api;
        Directory = dir;
        Options = options;
        Time = time;
        Clients = new KubernetesClientFactory(options, time);
        Deployments = new KubernetesDeploymentController(Clients, options);
        Router = new IstioTrafficRouter(Clients, options, Deployments);
    }

    public KubernetesApiDouble Api { get; }
    /// <summary>The bearer token in the kubeconfig (the bot's service account).</summary>
    public string BotToken { get; }
    public string Directory { get; }
    public KubernetesOptions Options { get; }
    public FakeTimeProvider Time { get; }
    public KubernetesClientFactory Clients { get; }
    public IstioTrafficRouter Router { get; }
    public KubernetesDeploymentController Deployments { get; }

    /// <summary>The live weights of <paramref name="route"/>'s stable and canary destinations in the VirtualService the double
    /// holds (a destination that is missing, or has no weight, counts 0).</summary>
    public (int Stable, int Canary) Weights(string virtualService = "checkout", string route = "primary")
    {
        var vs = Api.Get("virtualservices", "shop", virtualService) ?? throw new InvalidOperationException($"VirtualService shop/{virtualService} does not exist");
        var dests = vs["spec"]!["http"]!.AsArray().Single(r => (string?)r!["name"] == route)!["route"]!.AsArray();
        int W(string subset) => (int?)dests.SingleOrDefault(d => (string?)d!["destination"]!["subset"] == subset)?["weight"] ?? 0;
        return (W("stable"), W("canary"));
    }

    public static string InfraPath(params string[] parts) => Path.Combine([RepoPaths.Root, "infra", "kubernetes", .. parts]);

    public static TrafficTarget Checkout(bool withDeployments = true, bool scaleDown = false) => new(null, "shop",
        new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
        withDeployments
            ? new DeploymentSpec { Canary = "checkout-canary", Stable = "checkout-stable", ImageTemplate = "registry.example.com/shop/checkout:{version}", ScaleDownCanary = scaleDown }
            : null);

    public static async Task<KubernetesTestCluster> StartAsync(KubernetesOptions? options = null, bool seedSample = true, bool bindRole = true)
    {
        var api = await KubernetesApiDouble.StartAsync();
        if (seedSample) api.CreateFromYaml(InfraPath("sample", "checkout.yaml"));
        if (bindRole)
        {
            var role = YamlJson.LoadObjects(InfraPath("rbac.yaml")).Single(o => (string?)o["kind"] == "Role");
            api.Bind(BotUser, RbacRule.FromRole(role));
        }
        var token = api.IssueToken(BotUser);
        var dir = System.IO.Directory.CreateTempSubdirectory("k8s-test-").FullName;
        var path = KubeconfigWriter.Write(dir, "config", KubeconfigWriter.Yaml(api, "test", $"    token: {token}"));
        var o = (options ?? new KubernetesOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(1) }) with { KubeconfigPath = path };
        return new KubernetesTestCluster(api, dir, o, new FakeTimeProvider(), token);
    }

    public async ValueTask DisposeAsync()
    {
        Clients.Dispose();
        await Api.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, true); } catch (IOException) { }
    }
}

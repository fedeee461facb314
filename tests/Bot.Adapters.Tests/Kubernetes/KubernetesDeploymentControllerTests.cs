using System.Text.Json.Nodes;
using Bot.Adapters.Kubernetes;
using Bot.Core.Ports;
using Bot.TestKit.Kubernetes;

namespace Bot.Adapters.Tests.Kubernetes;

public sealed class KubernetesDeploymentControllerTests : IAsyncLifetime
{
    private const string Image = "registry.example.com/shop/checkout:1.5.0";
    private KubernetesTestCluster _k = null!;
    private static readonly TrafficTarget Target = KubernetesTestCluster.Checkout();

    public async Task InitializeAsync() => _k = await KubernetesTestCluster.StartAsync();

    public async Task DisposeAsync() => await _k.DisposeAsync();

    private JsonObject Deployment(string name) => _k.Api.Get("deployments", "shop", name)!;

    [Fact]
    public async Task SetCanaryImageAsync_ThenControllerProgresses_ReadyByKubectlRules()
    {
        _k.Api.CompleteRollout("shop", "checkout-canary");
        await _k.Deployments.SetCanaryImageAsync(Target, Image, default);

        Assert.Equal(Image, (string?)Deployment("checkout-canary")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        var r = await _k.Deployments.GetCanaryReadinessAsync(Target, default);
        Assert.Equal(ReadinessState.Progressing, r.State); // generation 2 not observed yet
        Assert.Contains("spec update to be observed", r.Message);

        _k.Api.SetDeploymentStatus("shop", "checkout-canary", (d, s) =>
        {
            s["observedGeneration"] = (long)d["metadata"]!["generation"]!;
            s["replicas"] = 2; s["updatedReplicas"] = 1; s["availableReplicas"] = 1;
        });
        r = await _k.Deployments.GetCanaryReadinessAsync(Target, default);
        Assert.Equal(ReadinessState.Progressing, r.State);
        Assert.Contains("1 old replicas are pending termination", r.Message);

        _k.Api.CompleteRollout("shop", "checkout-canary");
        Assert.Equal(ReadinessState.Ready, (await _k.Deployments.GetCanaryReadinessAsync(Target, default)).State);
    }

    [Fact]
    public async Task GetCanaryReadinessAsync_ProgressDeadlineExceeded_Failed()
    {
        await _k.Deployments.SetCanaryImageAsync(Target, Image, default);
        _k.Api.FailRollout("shop", "checkout-canary");
        var r = await _k.Deployments.GetCanaryReadinessAsync(Target, default);
        Assert.Equal(ReadinessState.Failed, r.State);
        Assert.Contains("progress deadline", r.Message);
    }

    [Fact]
    public async Task SetCanaryImageAsync_SameImage_NoWrite()
    {
        await _k.Deployments.SetCanaryImageAsync(Target, "registry.example.com/shop/checkout:1.4.2", default);
        Assert.DoesNotContain(_k.Api.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task SetStableImageAsync_Promote_MovesStableThenShiftsTraffic()
    {
        await _k.Router.SetWeightAsync(Target, 50, null, default);
        await _k.Deployments.SetStableImageAsync(Target, Image, default);
        _k.Api.CompleteRollout("shop", "checkout-stable");
        Assert.Equal(ReadinessState.Ready, (await _k.Deployments.GetStableReadinessAsync(Target, default)).State);
        await _k.Router.SetWeightAsync(Target, 0, null, default);
        await _k.Deployments.ScaleCanaryAsync(Target, 0, default);

        Assert.Equal(Image, (string?)Deployment("checkout-stable")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(0, (int)Deployment("checkout-canary")["spec"]!["replicas"]!);
        var dests = _k.Api.Get("virtualservices", "shop", "checkout")!["spec"]!["http"]![1]!["route"]!.AsArray();
        Assert.Equal(100, (int)dests[0]!["weight"]!);
    }

    [Fact]
    public async Task SetCanaryImageAsync_ConcurrentScale_RetriesAndKeepsBoth()
    {
        _k.Api.BeforeNextWrite(api => api.Edit("deployments", "shop", "checkout-canary", d => d["spec"]!["replicas"] = 4));
        await _k.Deployments.SetCanaryImageAsync(Target, Image, default);
        var d = Deployment("checkout-canary");
        Assert.Equal(4, (int)d["spec"]!["replicas"]!);
        Assert.Equal(Image, (string?)d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }

    [Fact]
    public async Task SetCanaryImageAsync_NamedContainerMissing_SaysWhichContainersExist()
    {
        var target = Target with { Deployments = Target.Deployments! with { Container = "sidecar" } };
        var ex = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Deployments.SetCanaryImageAsync(target, Image, default));
        Assert.Contains("has no container 'sidecar'; containers: checkout", ex.Message);
    }

    [Fact]
    public async Task SetCanaryImageAsync_DeploymentMissing_NamesIt()
    {
        var target = Target with { Deployments = Target.Deployments! with { Canary = "checkout-next" } };
        var ex = await Assert.ThrowsAsync<RouteCheckFailedException>(() => _k.Deployments.SetCanaryImageAsync(target, Image, default));
        Assert.Contains("Deployment shop/checkout-next not found", ex.Message);
    }

    public static TheoryData<string, ReadinessState, string> ReadinessCases => new()
    {
        { """{"metadata":{"name":"a","generation":3},"spec":{"replicas":2},"status":{"observedGeneration":2}}""", ReadinessState.Progressing, "observed" },
        { """{"metadata":{"name":"a","generation":2},"spec":{"replicas":3},"status":{"observedGeneration":2,"updatedReplicas":1,"replicas":3}}""", ReadinessState.Progressing, "1 out of 3 new replicas" },
        { """{"metadata":{"name":"a","generation":2},"spec":{"replicas":2},"status":{"observedGeneration":2,"updatedReplicas":2,"replicas":2,"availableReplicas":1}}""", ReadinessState.Progressing, "1 of 2 updated replicas are available" },
        { """{"metadata":{"name":"a","generation":2},"spec":{},"status":{"observedGeneration":2,"updatedReplicas":1,"replicas":1,"availableReplicas":1}}""", ReadinessState.Ready, "successfully rolled out" },
        { """{"metadata":{"name":"a","generation":2},"spec":{"replicas":1},"status":{"observedGeneration":2,"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded","message":"timed out"}]}}""", ReadinessState.Failed, "timed out" },
        { """{"metadata":{"name":"a","generation":2},"spec":{"replicas":0},"status":{"observedGeneration":2}}""", ReadinessState.Ready, "successfully" },
    };

    [Theory]
    [MemberData(nameof(ReadinessCases))]
    public void Evaluate_KubectlRolloutRules(string deployment, ReadinessState state, string message)
    {
        var r = DeploymentRolloutStatus.Evaluate(JsonNode.Parse(deployment)!.AsObject());
        Assert.Equal(state, r.State);
        Assert.Contains(message, r.Message);
    }
}

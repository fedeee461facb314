using Bot.Adapters.Kubernetes;
using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Kubernetes;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.EndToEnd;

/// <summary>Finding 6 (scale-out regresses traffic) with two real bot processes on one Azurite and one Kubernetes API double:
/// process A's setWeight 10 PATCH is held on its way to the API server while process B drains the same pending write and goes on
/// to 50; when A's PATCH finally arrives it must not land. (<c>Traffic.ScaleOutFenceTests</c> is the same story with two executor
/// stacks in one process; that one fails on the code before fencing.)</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class ScaleOutProcessTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoProcesses_SlowProcessesLateSetTraffic10_IsDroppedAfterTheOtherWrote50()
    {
        await using var k = await KubernetesTestCluster.StartAsync();
        using var root = new TestAppRoot();
        var service = "fence2-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllText(Path.Combine(root.ConfigDir, service + ".yaml"),
            $"service: {service}\nnamespace: shop\nroute: {{virtualService: checkout, name: primary, destinationRule: checkout}}\n" +
            "deployments: {canary: checkout-canary, stable: checkout-stable, image: \"registry.example.com/shop/checkout:{version}\"}\n" +
            "steps:\n  - setWeight: 10\n  - setWeight: 50\n  - approval: {}\n  - promote: {}\n");
        var istio = new Dictionary<string, string> { ["Traffic:Mode"] = "istio", ["Kubernetes:KubeconfigPath"] = k.Options.KubeconfigPath! };

        // A runs the step queue; B only answers commands (no listener), so which process does what is certain.
        using var a = await BotProcess.StartAsync(root, azurite.ConnectionString, settings: istio);
        using var b = await BotProcess.StartAsync(root, azurite.ConnectionString, settings: istio, runTriggers: false);
        using var viaA = a.Client(TestAppRoot.DeployerKey);
        using var viaB = b.Client(TestAppRoot.ApproverKey);

        // A takes step 0 (setWeight 10) from the queue and commits it as pending; its PATCH is slow to reach the API server.
        var hold = k.Api.HoldNext("PATCH", "/virtualservices/checkout");
        var start = await viaA.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
        var id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
        await hold.Arrived.WaitAsync(TimeSpan.FromSeconds(90));

        // B drains the same pending write (10) on its way to a pause, then resume runs the next step inline: 50.
        (await viaB.PostAsync($"/api/rollouts/{id}/pause", null)).EnsureSuccessStatusCode();
        (await viaB.PostAsync($"/api/rollouts/{id}/resume", null)).EnsureSuccessStatusCode();
        await viaB.WaitForAsync($"/api/rollouts/{id}", r => (int?)r["canaryWeight"] == 50);
        Assert.Equal((50, 50), k.Weights());

        // A's late PATCH arrives: its resourceVersion test fails, A re-reads, sees a newer sequence and drops the write.
        hold.Release();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!a.Logged("dropped a stale traffic write") && DateTime.UtcNow < deadline) await Task.Delay(100);
        output.WriteLine(a.Output);

        Assert.Equal((50, 50), k.Weights()); // before fencing: (90, 10), the late write landed
        Assert.True(a.Logged("dropped a stale traffic write"), "process A never reported its late write as stale");
        var vs = k.Api.Get("virtualservices", "shop", "checkout")!;
        Assert.Equal(2, VirtualServiceRoutes.RecordedSequence(vs, "primary"));
        var state = (await new TableRolloutStore(azurite.CreateTableService()).GetAsync(service, default))!.Value;
        Assert.Equal(RolloutPhase.WaitingApproval, state.Active!.Phase);
        Assert.Equal(50, state.Active.CanaryWeight);
        Assert.Empty(state.Pending);
    }

}

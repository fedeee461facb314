using Bot.Functions.Tests.Support;
using Bot.Functions.Traffic;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.EndToEnd;

[Collection(AzuriteFixture.Collection)]
public sealed class CrashRecoveryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Process_KilledMidRolloutAndRestarted_ContinuesAndAppliesEachWeightOnce()
    {
        using var root = new TestAppRoot();
        var service = "crash-" + Guid.NewGuid().ToString("N")[..8];
        root.AddService(service, "setWeight: 10", "approval: {}", "setWeight: 50", "pause: 3s", "setWeight: 100", "promote: {}");

        string id;
        using (var first = await BotProcess.StartAsync(root, azurite.ConnectionString))
        {
            using var deployer = first.Client(TestAppRoot.DeployerKey);
            var start = await deployer.PostJsonAsync("/api/rollouts", new { service, version = "1.4.2" });
            id = (string)(await start.JsonAsync())["rollout"]!["id"]!;
            await deployer.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
            using var approver = first.Client(TestAppRoot.ApproverKey);
            (await approver.PostAsync($"/api/rollouts/{id}/approve", null)).EnsureSuccessStatusCode();
            // Mid-rollout: weight 50 applied, the 3 s bake message waiting in the queue.
            await deployer.WaitForAsync($"/api/rollouts/{id}", r => (int?)r["canaryWeight"] == 50);
            first.Kill();
        }

        using var second = await BotProcess.StartAsync(root, azurite.ConnectionString);
        using var client = second.Client(TestAppRoot.DeployerKey);
        var done = await client.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "succeeded", TimeSpan.FromSeconds(150));

        Assert.Equal(0, (int)done["canaryWeight"]!); // promoted: stable runs the new version and serves all traffic
        var weights = FileRecordingTrafficRouter.Read(root.RecordFile).Where(c => c.Operation == "setWeight").Select(c => c.Argument).ToList();
        Assert.Equal(["10", "50", "100", "0"], weights);
    }
}

using Bot.Core.Ports;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;

namespace Bot.Functions.Tests.Support;

internal static class Configs
{
    public static readonly Actor Deployer = new("deployer", "deployer", "api");
    public static readonly Actor Approver = new("approver", "approver", "api");

    /// <summary>The plan: setWeight 10, approval, setWeight 100, promote.</summary>
    public static ReleaseConfig Checkout(string service = "checkout-api") => new()
    {
        Service = service,
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = service, RouteName = "primary", DestinationRule = service },
        Steps = [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(100), new PromoteStep()],
        Source = $"{service}.releasebot.yaml",
        Deployments = new DeploymentSpec { Canary = $"{service}-canary", Stable = service, ImageTemplate = $"registry.example.com/{service}:{{version}}" },
    };
}

/// <summary>Release configs held in memory (the config loader is tested by the engine; the API tests need a config).</summary>
internal sealed class StaticReleaseConfigs(params ReleaseConfig[] configs) : IReleaseConfigs
{
    public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(configs.FirstOrDefault(c => c.Service == service));
    public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>(configs);
}

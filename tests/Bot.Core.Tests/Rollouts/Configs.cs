using Bot.Core.Config;

namespace Bot.Core.Tests.Rollouts;

internal static class Configs
{
    public static ReleaseConfig Checkout(params StepSpec[] steps) => new()
    {
        Service = "checkout",
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
        Steps = steps.Length > 0 ? steps : [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(100), new PromoteStep()],
        Approvers = ["@sre", "U0BOB"],
        Source = "checkout.yaml",
        Deployments = new DeploymentSpec { Canary = "checkout-canary", Stable = "checkout", ImageTemplate = "registry.example.com/checkout:{version}" },
    };

    /// <summary>A config as written before deployments were required (the start is refused).</summary>
    public static ReleaseConfig WithoutDeployments(this ReleaseConfig c) => c with { Deployments = null };

    public static ReleaseConfig WithDeployments(this ReleaseConfig c, bool scaleDown = false) => c with
    {
        Deployments = new DeploymentSpec
        {
            Canary = "checkout-canary", Stable = "checkout", ImageTemplate = "registry.example.com/checkout:{version}", ScaleDownCanary = scaleDown,
        },
    };

    public static ReleaseConfig WithPolicy(this ReleaseConfig c, NewRevisionPolicy onNew, bool distinct = true) =>
        c with { Policy = new RolloutPolicy { OnNewRevision = onNew, DistinctApprover = distinct } };
}

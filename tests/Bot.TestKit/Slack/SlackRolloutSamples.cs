using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.TestKit.Slack;

/// <summary>Realistic rollout states for Slack rendering and notifier tests.</summary>
public static class SlackRolloutSamples
{
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public static ReleaseConfig Config(string channel = "C0CHECKOUT1", params StepSpec[] steps) => new()
    {
        Service = "checkout",
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
        Steps = steps.Length > 0 ? steps :
            [new SetWeightStep(10), new ApprovalStep { Count = 1, Timeout = TimeSpan.FromMinutes(30), Approvers = ["@sre"] }, new SetWeightStep(50), new PauseStep(TimeSpan.FromMinutes(5)), new PromoteStep()],
        ChatChannel = channel,
        Approvers = ["@sre"],
    };

    public static RolloutState Waiting(ReleaseConfig? config = null) => new()
    {
        Id = "checkout-7",
        Service = "checkout",
        Version = "1.4.0",
        Revision = 2,
        Config = config ?? Config(),
        Phase = RolloutPhase.WaitingApproval,
        StepIndex = 1,
        CanaryWeight = 10,
        StartedBy = new Actor("U0ALICE01", "alice", "slack"),
        CreatedAt = Start,
        UpdatedAt = Start.AddMinutes(1),
        StepStartedAt = Start.AddMinutes(1),
        Source = new VersionSource(Commit: "3f2c9e1a7b", BuildUrl: "https://ci.example.com/builds/812"),
    };
}

using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Tests.Storage;

/// <summary>Realistic rollouts and states for the store tests.</summary>
internal static class StoreData
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly Actor Alice = new("U0ALICE", "alice", "slack");

    public static ReleaseConfig Config(string service) => new()
    {
        Service = service,
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = service, RouteName = "primary", DestinationRule = service },
        Steps = [new SetWeightStep(10), new ApprovalStep { Count = 1 }, new SetWeightStep(100), new PromoteStep()],
        Source = $"{service}.yaml",
    };

    public static RolloutState Rollout(string service, int sequence, DateTimeOffset? createdAt = null, RolloutPhase phase = RolloutPhase.Progressing) => new()
    {
        Id = $"{service}-{sequence}",
        Service = service,
        Version = $"1.{sequence}.0",
        Source = new VersionSource(Commit: "3f2c9e1", Image: $"registry.example.com/{service}:1.{sequence}.0"),
        Config = Config(service),
        Phase = phase,
        StartedBy = Alice,
        CreatedAt = createdAt ?? T0.AddHours(sequence),
        UpdatedAt = createdAt ?? T0.AddHours(sequence),
    };

    public static ServiceState State(string service, int sequence) =>
        ServiceState.Empty(service) with { Active = Rollout(service, sequence), Sequence = sequence };
}

namespace Bot.Adapters.Storage;

/// <summary>Names of the tables and the queue the bot's stores use (settings <c>Storage__*</c>, except
/// <see cref="StepQueue"/>). Table names: 3-63 letters/digits, starting with a letter.</summary>
public sealed record StorageOptions
{
    /// <summary>Service states and archived rollouts. The default value is <c>rollouts</c>.</summary>
    public string RolloutsTable { get; init; } = "rollouts";

    /// <summary>Audit records, one partition per service. The default value is <c>audit</c>.</summary>
    public string AuditTable { get; init; } = "audit";


    /// <summary>Queue of <c>StepMessage</c> JSON that drives rollouts. Not a setting: the app uses the queue the
    /// <c>RolloutSteps</c> function's trigger listens on. The default value is <c>rollout-steps</c>.</summary>
    public string StepQueue { get; init; } = "rollout-steps";
}

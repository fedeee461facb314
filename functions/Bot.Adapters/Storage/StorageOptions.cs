namespace Bot.Adapters.Storage;

/// <summary>Names of the tables the bot's stores use (settings <c>Storage__*</c>). Table names: 3-63 letters/digits,
/// starting with a letter. Queues are named by the functions that trigger on them (functions.metadata).</summary>
public sealed record StorageOptions
{
    /// <summary>Service states and archived rollouts. The default value is <c>rollouts</c>.</summary>
    public string RolloutsTable { get; init; } = "rollouts";

    /// <summary>Audit records, one partition per service. The default value is <c>audit</c>.</summary>
    public string AuditTable { get; init; } = "audit";
}

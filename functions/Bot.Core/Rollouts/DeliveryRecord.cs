namespace Bot.Core.Rollouts;

/// <summary>A delivery whose start was committed: what it started (null when the version was queued behind the active
/// rollout) and until when a repeat of it is a duplicate.</summary>
public sealed record DeliveryRecord(string Id, string? RolloutId, DateTimeOffset At, DateTimeOffset ExpiresAt);

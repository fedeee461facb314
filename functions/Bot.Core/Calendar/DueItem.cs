namespace Bot.Core.Calendar;

/// <summary>One row of the due index: at <see cref="DueAt"/>, <see cref="Service"/>'s rollout needs looking at.</summary>
public sealed record DueItem(string Service, string RolloutId, int StepIndex, DueKind Kind, DateTimeOffset DueAt);

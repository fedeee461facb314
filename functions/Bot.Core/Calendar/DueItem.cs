namespace Bot.Core.Calendar;

/// <summary>What comes due: a step message (bake end, approval deadline, window or cron slot), or an approval reminder.</summary>
public enum DueKind { Step, Reminder }

/// <summary>One row of the due index: at <see cref="DueAt"/>, <see cref="Service"/>'s rollout needs looking at.</summary>
public sealed record DueItem(string Service, string RolloutId, int StepIndex, DueKind Kind, DateTimeOffset DueAt);

namespace Bot.Core.Calendar;

/// <summary>
/// Why the current step is held by a gate (stored on the rollout so chat and the check run can show it, and so a
/// repeated check does not repeat the announcement).
/// </summary>
/// <param name="Block">Which gate holds it.</param>
/// <param name="StepIndex">The step it holds; a wait for another step is stale.</param>
/// <param name="Until">When the step is looked at again; null for a window that never opens.</param>
/// <param name="Reason">The text shown to humans.</param>
/// <param name="Slot">The cron slot (<c>at:</c>) the step was given when first reached; kept so later waits (window,
/// freeze) do not move it to the next slot.</param>
public sealed record StepWait(GateBlock Block, int StepIndex, DateTimeOffset? Until, string Reason, DateTimeOffset? Slot = null);

using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>The queue message that drives a rollout: "run step N of rollout R of service S"; with <paramref name="AnalysisRound"/>,
/// "measure round N of its canary analysis".</summary>
public sealed record StepMessage(string Service, string RolloutId, int StepIndex, int? AnalysisRound = null);

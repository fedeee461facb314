namespace Bot.Core.Execution;

/// <summary>Limits of <see cref="RolloutExecutor"/>. Bound from the <c>Executor</c> configuration section.</summary>
public sealed class ExecutorOptions
{
    /// <summary>How many times a command is re-read and re-decided after losing an ETag race before giving up
    /// with <see cref="Ports.ConcurrencyConflictException"/>. The default value is 20.</summary>
    public int MaxConflictRetries { get; set; } = 20;

    /// <summary>How many feedback rounds (DeploymentObserved, EffectFailed, a step due now run inline) one invocation runs before
    /// leaving the rest to the next step message (a due step is then enqueued). The default value is 8.</summary>
    public int MaxFeedbackRounds { get; set; } = 8;
}

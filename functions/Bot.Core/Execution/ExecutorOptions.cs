namespace Bot.Core.Execution;

/// <summary>Limits of <see cref="RolloutExecutor"/>. Bound from the <c>Executor</c> configuration section.</summary>
public sealed class ExecutorOptions
{
    public const string Section = "Executor";

    /// <summary>How many times a command is re-read and re-decided after losing an ETag race before giving up
    /// with <see cref="Ports.ConcurrencyConflictException"/>. The default value is 20.</summary>
    public int MaxConflictRetries { get; set; } = 20;

    /// <summary>How many feedback rounds may run a step due now inline in one invocation before the rest is left to the next step
    /// message (a due step is then enqueued). Observations of writes already made (accepted, failed, readiness) are still decided
    /// past it, up to twice this many rounds. The default value is 8.</summary>
    public int MaxFeedbackRounds { get; set; } = 8;
}

namespace Bot.Core.Config;

/// <summary>
/// GitHub custom deployment protection rules the bot answers for a service (<c>github.protection</c> in the release
/// config): a GitHub Actions job that targets one of <see cref="Environments"/> waits until the canary of its commit has
/// reached <see cref="ApproveAfterStep"/> (or was promoted), and is rejected on rollback, abort or failure, or once
/// <see cref="Deadline"/> has passed since GitHub asked.
/// </summary>
public sealed record ProtectionSpec
{
    /// <summary>GitHub fails a job that waits longer than 30 days; the deadline must end before that.</summary>
    public static readonly TimeSpan MaxDeadline = TimeSpan.FromDays(29);

    /// <summary>The default value of <see cref="Deadline"/>: 24 hours.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromHours(24);

    /// <summary>Environment names (as in the workflow's <c>environment:</c>) whose rule the bot answers for this service.
    /// GitHub compares environment names case-insensitively, so does the bot.</summary>
    public required IReadOnlyList<string> Environments { get; init; }

    /// <summary>Index into <see cref="ReleaseConfig.Steps"/> of the step the canary must have passed before the job may run
    /// (for workflows that deploy while the canary still runs). The default value is null: approve when promoted.</summary>
    public int? ApproveAfterStep { get; init; }

    /// <summary>How long after GitHub's request the bot waits for the rollout before it rejects. The default value is
    /// 24 hours; at most <see cref="MaxDeadline"/>.</summary>
    public TimeSpan Deadline { get; init; } = DefaultDeadline;

    public bool Covers(string environment) => Environments.Any(e => string.Equals(e, environment, StringComparison.OrdinalIgnoreCase));
}

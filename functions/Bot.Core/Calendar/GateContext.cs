using Bot.Core.Freezes;

namespace Bot.Core.Calendar;

/// <summary>What the gates need besides the rollout: the freezes in force and a cron evaluator. Loaded at the edge
/// (freeze table, NCrontab adapter) and passed into the pure decision.</summary>
public sealed record GateContext
{
    public static readonly GateContext None = new();

    /// <summary>Freezes as stored; inactive and unrelated ones are ignored.</summary>
    public IReadOnlyList<Freeze> Freezes { get; init; } = [];

    /// <summary>Evaluates step <c>at:</c> expressions; null treats every cron slot as open.</summary>
    public ICronEvaluator? Cron { get; init; }

    /// <summary>How often a step held by an open-ended freeze checks again. The default value is 1 minute.</summary>
    public TimeSpan FreezeRecheck { get; init; } = TimeSpan.FromMinutes(1);
}

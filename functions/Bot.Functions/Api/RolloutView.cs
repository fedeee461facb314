using Bot.Core.Rollouts;

namespace Bot.Functions.Api;

/// <summary>A rollout as the API shows it.</summary>
public sealed record RolloutView(
    string Id, string Service, string Version, int Revision, string Phase, int StepIndex, string? Step,
    IReadOnlyList<string> Steps, int CanaryWeight, string StartedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? NextDueAt, IReadOnlyList<ApprovalView> Approvals, string? Reason, DateTimeOffset? FinishedAt,
    VersionSource Source, RetryView? Retry = null, AnalysisStateView? Analysis = null)
{
    public static RolloutView From(RolloutState r) => new(
        r.Id, r.Service, r.Version, r.Revision, ToCamel(r.Phase.ToString()), r.StepIndex, r.CurrentStep?.Describe(),
        [.. r.Config.Steps.Select(s => s.Describe())], r.CanaryWeight, $"{r.StartedBy.Name} ({r.StartedBy.Surface})",
        r.CreatedAt, r.UpdatedAt, r.NextDueAt, [.. r.Approvals.Select(a => new ApprovalView(a.By.Name, a.By.Surface, a.StepIndex, a.Revision, a.At))],
        r.Reason, r.FinishedAt, r.Source,
        r.Retry is { } x ? new RetryView(x.Failed.GetType().Name, x.Error, x.Attempt, x.At) : null,
        r.Analysis is { } a ? AnalysisStateView.From(a) : null);

    private static string ToCamel(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}

/// <summary>An effect the cluster did not accept, waiting to be tried again (the Kubernetes API failing, or a rollback
/// not applied yet): which effect, the error, how many attempts failed, and when the next one is.</summary>
public sealed record RetryView(string Effect, string Error, int Attempt, DateTimeOffset NextAttemptAt);

/// <summary>The rollout's canary analysis: the consecutive counters, the next measurement, and the last verdict with every
/// metric's evidence (query, canary and stable values, threshold, sample sizes, p-value, decision).</summary>
public sealed record AnalysisStateView(int Failures, int NoVerdicts, int Errors, DateTimeOffset? NextMeasurementAt, int PassesInStep,
    DateTimeOffset? LastAt, string? LastOutcome, string? LastAction, string? LastReason, IReadOnlyList<Analysis.AnalysisExtensions.MetricView> Metrics)
{
    public static AnalysisStateView From(Bot.Core.Analysis.AnalysisState a) => new(a.Counters.Failures, a.Counters.NoVerdicts, a.Counters.Errors,
        a.NextAt, a.Passes, a.Last?.At, a.Last?.Outcome, a.Last is { } l ? char.ToLowerInvariant(l.Action.ToString()[0]) + l.Action.ToString()[1..] : null,
        a.Last?.Reason, [.. (a.Last?.Metrics ?? []).Select(Analysis.AnalysisExtensions.MetricView.From)]);
}

public sealed record ApprovalView(string By, string Surface, int StepIndex, int Revision, DateTimeOffset At);

/// <summary>The answer to a command: what happened and the rollout afterwards.</summary>
public sealed record CommandResponse(string Message, RolloutView? Rollout);

/// <summary>An audit record as the API shows it; <see cref="CanaryWeight"/> is the weight the cluster had accepted after it
/// (null in older records and refused attempts).</summary>
public sealed record AuditView(string RolloutId, string Service, string Action, string By, string Surface, string? Reason, string FromPhase, string ToPhase, DateTimeOffset At,
    int? CanaryWeight = null)
{
    public static AuditView Of(AuditEntry e) => new(e.RolloutId, e.Service, e.Action, e.By.Name, e.By.Surface, e.Reason,
        e.From.ToString(), e.To.ToString(), e.At, e.CanaryWeight);
}

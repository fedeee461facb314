using Bot.Core.Config;

namespace Bot.Core.Rollouts;

/// <summary>Something the executor must do after a decision is committed. Effects are idempotent when applied.</summary>
public abstract record Effect
{
    /// <summary>The rollout the effect belongs to.</summary>
    public required string RolloutId { get; init; }
}

/// <summary>Set the route's weights: canary <see cref="CanaryWeight"/>% and stable the rest.</summary>
public sealed record SetTraffic(RouteSpec Route, string Namespace, string? Cluster, int CanaryWeight) : Effect;

/// <summary>Check the VirtualService, route and subsets exist before any traffic moves.</summary>
public sealed record VerifyRoute(RouteSpec Route, string Namespace, string? Cluster) : Effect;

/// <summary>Enqueue a <see cref="StepDue"/> for the step, visible at <see cref="At"/>.</summary>
public sealed record ScheduleStep(string Service, int StepIndex, DateTimeOffset At) : Effect;

public enum NoticeKind
{
    Started, StepDone, WaitingApproval, Approved, Paused, Resumed, Drift, Failed, RolledBack, Succeeded, Aborted, Superseded, Queued, Reminder, Waiting,
}

/// <summary>Tell humans: the live message / check run is re-rendered from <see cref="Snapshot"/> and the text goes into the thread.</summary>
public sealed record Notify(NoticeKind Kind, string Text, RolloutState Snapshot) : Effect;

/// <summary>Append an audit record for a transition.</summary>
public sealed record AuditEntry(string Service, string Action, Actor By, string? Reason, RolloutPhase From, RolloutPhase To, DateTimeOffset At) : Effect;

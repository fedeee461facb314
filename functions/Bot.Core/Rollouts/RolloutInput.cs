namespace Bot.Core.Rollouts;

/// <summary>Everything that can happen to a service's rollouts. Inputs carry who and, for commands, an id for dedup.</summary>
public abstract record RolloutInput
{
    public required Actor By { get; init; }
    /// <summary>Free text shown in audit and chat (rollback reason, etc.).</summary>
    public string? Reason { get; init; }
    /// <summary>When the surface received the command (rollback latency counts from it). The default value is null: when
    /// it is decided.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
    /// <summary>The sender's delivery id, when a redelivery must not act twice (a CI build id, a Slack click or command, a
    /// GitHub delivery): recorded in the state committed with what the input did, so a repeat is an accepted no-op
    /// (<see cref="Decision.Repeated"/>). The default value is null: no dedup.</summary>
    public InboundDelivery? Delivery { get; init; }
}

/// <summary>Start a rollout of <see cref="Version"/>; while one is active this is a new revision.</summary>
public sealed record StartRollout(string Version, Config.ReleaseConfig Config) : RolloutInput
{
    public VersionSource Source { get; init; } = new();
}

/// <summary>A step message came due (from the queue or the sweep). Stale ones (other rollout/step) change nothing.</summary>
public sealed record StepDue(string RolloutId, int StepIndex) : RolloutInput;

/// <summary>Approve the current approval step. <see cref="StepIndex"/>/<see cref="Revision"/> bind a button to what it was shown for.</summary>
public sealed record Approve(string? RolloutId = null, int? StepIndex = null, int? Revision = null) : RolloutInput;

/// <summary>Return all traffic to stable. Allowed from every non-terminal state.</summary>
public sealed record Rollback(string? RolloutId = null) : RolloutInput;

public sealed record Pause(string? RolloutId = null) : RolloutInput;

public sealed record Resume(string? RolloutId = null) : RolloutInput;

/// <summary>Skip remaining steps and go to 100%.</summary>
public sealed record Promote(string? RolloutId = null) : RolloutInput;

/// <summary>Stop the rollout and return traffic to stable, marking it aborted rather than rolled back.</summary>
public sealed record Abort(string? RolloutId = null) : RolloutInput;

/// <summary>Applying an effect failed (after the adapter's own retries), or the router reported drift.
/// <see cref="IsTransient"/>: the infrastructure failed (Kubernetes API 5xx/429, a conflict it gave up on, a dropped
/// connection, a timeout), not the canary; the executor classifies (<see cref="Ports.TransientFailures"/>).</summary>
public sealed record EffectFailed(string RolloutId, Effect Effect, string Error, bool IsDrift = false, bool IsTransient = false) : RolloutInput;

/// <summary>The cluster accepted a traffic write (<see cref="SetTraffic"/>, <see cref="SetHeaderRoute"/>, <see cref="SetMirror"/>,
/// <see cref="RollbackTraffic"/>): only now is the step done, or the rollback finished.</summary>
public sealed record TrafficApplied(string RolloutId, Effect Effect) : RolloutInput;

/// <summary>The executor observed a Deployment (after <see cref="CheckDeployment"/>).</summary>
public sealed record DeploymentObserved(string RolloutId, int StepIndex, DeploymentRole Role, Ports.ReadinessState State, string Message) : RolloutInput;

/// <summary>The router dropped a traffic write of this rollout because the route carries a newer one
/// (<see cref="LiveSequence"/>). Fed back by the executor; when another instance owns the state the commit loses the ETag race
/// and this changes nothing, otherwise the state's sequence was behind the cluster (lost state) and Decide catches up.</summary>
public sealed record TrafficFenced(string RolloutId, Effect Effect, long LiveSequence) : RolloutInput;

/// <summary>The analysis loop's due message for <see cref="Round"/> came (queue or sweep): measure now. Stale rounds change nothing.</summary>
public sealed record AnalysisDue(string RolloutId, int Round) : RolloutInput;

/// <summary>The executor measured the canary (after <see cref="MeasureCanary"/>) at <see cref="At"/>: the observations to judge, or
/// the metrics source's <see cref="Error"/> (never a verdict).</summary>
public sealed record AnalysisMeasured(string RolloutId, int Round, DateTimeOffset At, IReadOnlyList<Analysis.MetricObservation>? Observations, string? Error = null) : RolloutInput;

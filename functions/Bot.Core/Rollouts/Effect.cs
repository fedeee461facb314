using System.Text.Json.Serialization;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Core.Rollouts;

/// <summary>Something the executor must do after a decision is committed. Effects are idempotent when applied.
/// They are stored with the state (pending until applied), hence the JSON type discriminators.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$effect")]
[JsonDerivedType(typeof(VerifyRoute), "verifyRoute")]
[JsonDerivedType(typeof(SetTraffic), "setTraffic")]
[JsonDerivedType(typeof(SetHeaderRoute), "setHeaderRoute")]
[JsonDerivedType(typeof(SetMirror), "setMirror")]
[JsonDerivedType(typeof(RollbackTraffic), "rollbackTraffic")]
[JsonDerivedType(typeof(SetCanaryImage), "setCanaryImage")]
[JsonDerivedType(typeof(SetStableImage), "setStableImage")]
[JsonDerivedType(typeof(CheckDeployment), "checkDeployment")]
[JsonDerivedType(typeof(ScaleCanary), "scaleCanary")]
[JsonDerivedType(typeof(ScheduleStep), "scheduleStep")]
[JsonDerivedType(typeof(MeasureCanary), "measureCanary")]
[JsonDerivedType(typeof(SetFault), "setFault")]
[JsonDerivedType(typeof(Notify), "notify")]
[JsonDerivedType(typeof(AuditEntry), "audit")]
public abstract record Effect
{
    /// <summary>The rollout the effect belongs to.</summary>
    public required string RolloutId { get; init; }
}

/// <summary>Check the VirtualService, route and subsets exist before any traffic moves (<see cref="ITrafficRouter.VerifyAsync"/>).</summary>
public sealed record VerifyRoute(TrafficTarget Target) : Effect;

/// <summary>Set the route's weights: canary <see cref="CanaryWeight"/>% (0-100) and stable the rest.</summary>
public sealed record SetTraffic(TrafficTarget Target, int CanaryWeight) : Effect
{
    /// <summary>Sequence and expected weights; assigned by <see cref="RolloutMachine.Decide(ServiceState, RolloutInput, DateTimeOffset)"/>.</summary>
    public TrafficFence? Fence { get; init; }
}

/// <summary>Insert (or with null <see cref="Match"/>, remove) the header route to the canary.</summary>
public sealed record SetHeaderRoute(TrafficTarget Target, HeaderRouteStep? Match) : Effect
{
    public TrafficFence? Fence { get; init; }
}

/// <summary>Mirror <see cref="Percent"/> of traffic to the canary; null removes the mirror.</summary>
public sealed record SetMirror(TrafficTarget Target, double? Percent) : Effect
{
    public TrafficFence? Fence { get; init; }
}

/// <summary>Canary weight 0, header and mirror routes removed (<see cref="ITrafficRouter.RollbackAsync"/>).</summary>
public sealed record RollbackTraffic(TrafficTarget Target) : Effect
{
    public TrafficFence? Fence { get; init; }
}

public sealed record SetCanaryImage(TrafficTarget Target, string Image) : Effect;

public sealed record SetStableImage(TrafficTarget Target, string Image) : Effect;

public enum DeploymentRole { Canary, Stable }

/// <summary>Observe a Deployment's readiness once; the executor feeds the result back as <see cref="DeploymentObserved"/>.</summary>
public sealed record CheckDeployment(TrafficTarget Target, DeploymentRole Role, int StepIndex) : Effect;

public sealed record ScaleCanary(TrafficTarget Target, int Replicas) : Effect;

/// <summary>Enqueue a <see cref="StepDue"/> for the step, visible at <see cref="At"/>; with <see cref="AnalysisRound"/>, an
/// <see cref="AnalysisDue"/> of that round instead.</summary>
public sealed record ScheduleStep(string Service, int StepIndex, DateTimeOffset At) : Effect
{
    /// <summary>Set for the analysis loop's due message. The default value is null (a step message).</summary>
    public int? AnalysisRound { get; init; }
}

/// <summary>Measure the active rollout's analysis metrics now (<see cref="IMetricsSource"/>); the executor feeds back
/// <see cref="AnalysisMeasured"/> for <see cref="Round"/>, with the observations or the source's error.</summary>
public sealed record MeasureCanary(string Service, int Round) : Effect;

/// <summary>Put (or with null <see cref="Fault"/>, remove) Istio fault injection on the route that carries the canary.</summary>
public sealed record SetFault(TrafficTarget Target, FaultStep? Fault) : Effect
{
    public TrafficFence? Fence { get; init; }
}

public enum NoticeKind
{
    Started, StepDone, WaitingApproval, Approved, Paused, Resumed, Drift, Failed, RolledBack, Succeeded, Aborted, Superseded, Queued, Reminder, Waiting,
    /// <summary>The cluster did not accept a change (Kubernetes API failing, or a rollback not applied); the rollout waits and tries again.</summary>
    Retrying,
    /// <summary>A canary analysis verdict worth telling (a failure under the limit, a step extended for want of a verdict, a step passed).</summary>
    Analysis,
    /// <summary>The analysis gave no verdict too long: paused, asking a person to extend, approve anyway or roll back.</summary>
    AnalysisInconclusive,
}

/// <summary>Tell humans: the live message / check run is re-rendered from <see cref="Snapshot"/> and the text goes into the thread.</summary>
public sealed record Notify(NoticeKind Kind, string Text, RolloutState Snapshot) : Effect;

/// <summary>Append an audit record for a transition.</summary>
public sealed record AuditEntry(string Service, string Action, Actor By, string? Reason, RolloutPhase From, RolloutPhase To, DateTimeOffset At) : Effect
{
    /// <summary>The canary weight (0-100) the cluster had accepted after this transition; the rollout page draws traffic over
    /// time from it. Null in records written before it existed and in refused attempts.</summary>
    public int? CanaryWeight { get; init; }
}

using Bot.Core.Config;

namespace Bot.Core.Rollouts;

public enum RolloutPhase
{
    /// <summary>Created; the first step has not run yet.</summary>
    Pending,
    /// <summary>Running steps.</summary>
    Progressing,
    /// <summary>Waiting for approvals on an approval step.</summary>
    WaitingApproval,
    /// <summary>Stopped by a human (pause command, or an indefinite pause step) or by drift; resume continues.</summary>
    Paused,
    /// <summary>A rollback (or abort, supersede, timeout, failure) is asked for and the traffic is on its way back to stable;
    /// retried with back-off until the cluster accepts it, then <see cref="RolledBack"/> or <see cref="Aborted"/>
    /// (<see cref="RolloutState.Stopping"/> says which).</summary>
    RollingBack,
    /// <summary>All traffic on the new version. Terminal.</summary>
    Succeeded,
    /// <summary>Canary traffic returned to 0 (the cluster accepted it) after a human, a timeout or a failure asked. Terminal.</summary>
    RolledBack,
    /// <summary>Stopped and rolled back because a newer revision replaced it, or by abort. Terminal.</summary>
    Aborted,
    /// <summary>The route check failed before any traffic moved; a human must look. Terminal for the engine.</summary>
    Failed,
}

/// <summary>Who did something, and from which surface.</summary>
/// <param name="Id">Stable id on that surface: Slack user ID, GitHub login, API key name, "timer".</param>
/// <param name="Name">Display name, for messages and audit.</param>
/// <param name="Surface">api | slack | github | ci | timer | system.</param>
public sealed record Actor(string Id, string Name, string Surface)
{
    public static readonly Actor System = new("release-bot", "release-bot", "system");
    public static readonly Actor Timer = new("timer", "timer", "timer");

    /// <summary>Who an API key or CI token stands for (<c>CommandApi:Keys:N:Identity</c>): a Slack user ID, a GitHub login or
    /// an <c>@group</c> handle. <c>deployers</c> and <c>approvers</c> match it as well as <see cref="Id"/>. The default value is null.</summary>
    public string? Identity { get; init; }

    /// <summary>Same person regardless of display name: the same mapped identity (whatever the surface), else the same id
    /// on the same surface.</summary>
    public bool SamePerson(Actor other) =>
        Identity is not null || other.Identity is not null
            ? string.Equals(Identity ?? Id, other.Identity ?? other.Id, StringComparison.OrdinalIgnoreCase)
            : string.Equals(Id, other.Id, StringComparison.OrdinalIgnoreCase) && string.Equals(Surface, other.Surface, StringComparison.OrdinalIgnoreCase);
}

public sealed record Approval(Actor By, int StepIndex, int Revision, DateTimeOffset At);

/// <summary>Where the version came from: commit, image, build link.</summary>
public sealed record VersionSource(string? Commit = null, string? Image = null, string? Repository = null, string? BuildUrl = null);

/// <summary>One rollout of one version of one service. Immutable; <see cref="RolloutMachine"/> returns new values.</summary>
public sealed record RolloutState
{
    public required string Id { get; init; }
    public required string Service { get; init; }
    public required string Version { get; init; }
    /// <summary>Increments each time the rollout's target changes; approvals carry it and stale ones are refused.</summary>
    public int Revision { get; init; } = 1;
    public VersionSource Source { get; init; } = new();
    /// <summary>Snapshot of the config when the rollout started: later config edits do not change a running rollout.</summary>
    public required ReleaseConfig Config { get; init; }
    public RolloutPhase Phase { get; init; } = RolloutPhase.Pending;
    /// <summary>Index into <see cref="ReleaseConfig.Steps"/> of the current step.</summary>
    public int StepIndex { get; init; }
    /// <summary>The canary weight (0-100) the cluster last accepted from the bot (a write in flight does not count).</summary>
    public int CanaryWeight { get; init; }
    public required Actor StartedBy { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StepStartedAt { get; init; }
    /// <summary>When the next step message is due (bake end, approval deadline); the sweep re-enqueues overdue ones.</summary>
    public DateTimeOffset? NextDueAt { get; init; }
    public IReadOnlyList<Approval> Approvals { get; init; } = [];
    /// <summary>Set while a gate (deploy window, freeze, cron slot) holds the current step: why, and until when.</summary>
    public Calendar.StepWait? Waiting { get; init; }
    /// <summary>Why the rollout is paused, failed or finished.</summary>
    public string? Reason { get; init; }
    /// <summary>Phase to return to on resume.</summary>
    public RolloutPhase? PausedFrom { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Why the rollout is <see cref="RolloutPhase.Paused"/>; decides what resume does. Null when not paused.</summary>
    public PauseCause? PausedBy { get; init; }
    /// <summary>The promote flow is under way: all traffic to the canary (<see cref="StepStartedAt"/> null until the cluster
    /// accepted it), then the stable Deployment moving to the new image, then traffic back to stable.</summary>
    public bool Promoting { get; init; }
    /// <summary>Set while <see cref="RolloutPhase.RollingBack"/>: how the rollout ends once the cluster accepts the rollback.</summary>
    public StopRequest? Stopping { get; init; }
    /// <summary>Set while an effect waits to be tried again because the cluster did not accept it (the Kubernetes API failing,
    /// or a rollback not applied): what failed, why, which attempt, and when the next one is due.</summary>
    public EffectRetry? Retry { get; init; }
    /// <summary>Set when the rollout rolled back (or aborted): from the command (or timer, failure) asking for the rollback
    /// to the cluster accepting canary 0%. Null otherwise.</summary>
    public TimeSpan? RollbackLatency { get; init; }

    /// <summary>The canary analysis (release config <c>analysis</c>): its loop, counters and last verdict. Null before the first
    /// measurement is scheduled, or without analysis.</summary>
    public Analysis.AnalysisState? Analysis { get; init; }

    public bool IsTerminal => Phase is RolloutPhase.Succeeded or RolloutPhase.RolledBack or RolloutPhase.Aborted or RolloutPhase.Failed;
    public StepSpec? CurrentStep => StepIndex >= 0 && StepIndex < Config.Steps.Count ? Config.Steps[StepIndex] : null;
}

/// <summary>A rollback asked for and not yet accepted by the cluster: the phase it ends in (<see cref="RolloutPhase.RolledBack"/>
/// or <see cref="RolloutPhase.Aborted"/>), the notice kind and text for that moment, and who asked.</summary>
public sealed record StopRequest(RolloutPhase To, NoticeKind Kind, Actor By, string Text)
{
    /// <summary>When the rollback was asked for: the command's <see cref="RolloutInput.ReceivedAt"/>, else when it was decided.</summary>
    public DateTimeOffset? RequestedAt { get; init; }
}

/// <summary>An effect the cluster did not accept, tried again at <see cref="At"/> (back-off: <see cref="RolloutMachine.RetryDelay"/>).</summary>
/// <param name="Failed">The effect that failed.</param>
/// <param name="Error">The error, as the adapter worded it.</param>
/// <param name="Attempt">How many attempts failed in a row (1 after the first failure).</param>
/// <param name="At">When the next attempt is due.</param>
public sealed record EffectRetry(Effect Failed, string Error, int Attempt, DateTimeOffset At);

/// <summary>A start request kept while another rollout is active (policy <c>queue</c>), or while a superseded rollout's
/// traffic returns to stable (policy <c>supersede</c>).</summary>
public sealed record QueuedStart(string Version, VersionSource Source, ReleaseConfig Config, Actor By, DateTimeOffset At, string? Reason = null);

/// <summary>
/// The unit of consistency: everything the engine decides for one service, committed together with one ETag.
/// </summary>
public sealed record ServiceState
{
    public required string Service { get; init; }
    public RolloutState? Active { get; init; }
    public IReadOnlyList<QueuedStart> Queue { get; init; } = [];
    /// <summary>Number of rollouts ever started for the service; feeds rollout ids.</summary>
    public int Sequence { get; init; }
    /// <summary>Sequence of the last traffic write decided for the service (across rollouts); each SetTraffic, RollbackTraffic,
    /// SetHeaderRoute and SetMirror gets the next one in <see cref="RolloutMachine.Decide(ServiceState, RolloutInput, DateTimeOffset)"/>,
    /// and the router refuses writes older than the route's. Rows written before fencing read as 0.</summary>
    public long TrafficSequence { get; init; }
    /// <summary>The last finished rollout, kept so late commands get a clear answer.</summary>
    public RolloutState? LastFinished { get; init; }
    /// <summary>Effects committed with this state but not yet applied; the executor applies them (again) first
    /// after a crash. Effects are idempotent.</summary>
    public IReadOnlyList<Effect> Pending { get; init; } = [];
    /// <summary>Deliveries (CI build ids) whose start was committed with this state, so a retry after a crash starts
    /// once and a retry after success is answered as a duplicate (<see cref="RolloutMachine.FindDelivery"/>).</summary>
    public IReadOnlyList<DeliveryRecord> Deliveries { get; init; } = [];

    public static ServiceState Empty(string service) => new() { Service = service };
}

using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Core.Rollouts;

/// <summary>
/// The rollout state machine: a pure function from (service state, input, time) to a <see cref="Decision"/>.
/// Every rule lives here; the executor only commits the new state and applies the effects in order.
/// </summary>
public static partial class RolloutMachine
{
    /// <summary>
    /// Decides what <paramref name="input"/> does to <paramref name="state"/> at <paramref name="now"/>. Never throws for
    /// bad input: refusals come back as <see cref="Decision.Refused"/> with the state unchanged and no effects.
    /// Accepted no-ops (stale or early step messages) return the same state, no effects and a <see cref="Decision.Message"/>.
    /// </summary>
    public static Decision Decide(ServiceState state, RolloutInput input, DateTimeOffset now) => Decide(state, input, now, GateContext.None);

    /// <summary>As above, with deploy windows, freezes and cron slots applied (<see cref="StepGate"/>).</summary>
    public static Decision Decide(ServiceState state, RolloutInput input, DateTimeOffset now, GateContext gates)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gates);
        return AssignFences(state, input, Once(state, input, now, () => input switch
        {
            TrafficFenced t => OnTrafficFenced(state, t, now),
            StartRollout s => StepGate.RefuseStart(state, s, gates, now) ?? StepGate.AnnounceStart(OnStart(state, s, now), s, gates, now),
            StepDue d => OnStepDue(state, d, now, gates),
            Promote p when StepGate.RefusePromote(state, gates, now) is { } refused => refused,
            DeploymentObserved o => OnDeploymentObserved(state, o, now),
            EffectFailed f when IsRestoreFailure(state, f) => OnRestoreFailed(state, f, now),
            EffectFailed f => OnEffectFailed(state, f, now),
            TrafficApplied t => OnTrafficApplied(state, t, now),
            Approve a => OnApprove(state, a, now),
            Rollback r => OnStop(state, r.RolloutId, r, now, RolloutPhase.RolledBack),
            Abort a => OnStop(state, a.RolloutId, a, now, RolloutPhase.Aborted),
            Pause p => OnPause(state, p, now),
            Resume r => OnResume(state, r, now),
            Promote p => OnPromoteCommand(state, p, now),
            RestoreTraffic t => OnRestore(state, t, now),
            RemindApprovers m => OnRemind(state, m, now),
            AnalysisDue a => OnAnalysisDue(state, a, now),
            AnalysisMeasured m => OnAnalysisMeasured(state, m, now),
            _ => Decision.Refuse(state, RefusalKind.Invalid, $"unknown input {input.GetType().Name}"),
        }));
    }

    // ---- start, new revisions, queue -------------------------------------------------------------------------

    private static Decision OnStart(ServiceState state, StartRollout start, DateTimeOffset now)
    {
        if (!string.Equals(start.Config.Service, state.Service, StringComparison.Ordinal))
            return Decision.Refuse(state, RefusalKind.Invalid, $"config is for service {start.Config.Service}, not {state.Service}");
        if (PlanProblem(start.Config) is { } problem)
            return Decision.Refuse(state, RefusalKind.Invalid, problem);
        if (string.IsNullOrWhiteSpace(start.Version))
            return Decision.Refuse(state, RefusalKind.Invalid, "version is empty; give the version to deploy, e.g. 1.4.2");

        var fx = new List<Effect>();
        if (state.Active is not { } active)
        {
            var started = StartNew(state, start.Version, start.Source, start.Config, start.By, start.Reason, now, revision: 1, fx);
            return new Decision(started, fx, Message: $"started {started.Active!.Id}: {state.Service} {start.Version}");
        }

        if (active.Phase == RolloutPhase.RollingBack && active.Config.Policy.OnNewRevision != NewRevisionPolicy.Reject)
        {
            // The rollout is already on its way out: the start waits until its traffic is back to stable, then runs.
            var next = new QueuedStart(start.Version, start.Source, start.Config, start.By, now, start.Reason);
            var after = active.Config.Policy.OnNewRevision == NewRevisionPolicy.Supersede
                ? state with { Queue = [next] }
                : state with { Queue = [.. state.Queue, next] };
            var text = $"{state.Service} {start.Version} starts when {active.Id}'s traffic is back to stable ({active.Id} is rolling back)";
            fx.Add(Notice(active, NoticeKind.Queued, text));
            fx.Add(Audit(active, "queue", start.By, start.Reason ?? $"queued {start.Version}", active.Phase, active.Phase, now));
            return new Decision(after, fx, Message: text);
        }

        if (string.Equals(active.Version, start.Version, StringComparison.Ordinal))
            return Decision.Refuse(state, RefusalKind.Conflict,
                $"{state.Service} {start.Version} is already rolling out as {active.Id} ({Position(active)})");

        switch (active.Config.Policy.OnNewRevision)
        {
            case NewRevisionPolicy.Reject:
                return Decision.Refuse(state, RefusalKind.Conflict,
                    $"{active.Id} ({state.Service} {active.Version}) is active at {Position(active)}; policy onNewRevision=reject refuses {start.Version} until it finishes, is rolled back or aborted");

            case NewRevisionPolicy.Queue:
                if (state.Queue.Any(q => q.Version == start.Version))
                    return Decision.Refuse(state, RefusalKind.Conflict, $"{state.Service} {start.Version} is already queued behind {active.Id}");
                var queued = state with { Queue = [.. state.Queue, new QueuedStart(start.Version, start.Source, start.Config, start.By, now)] };
                var text = $"{state.Service} {start.Version} queued behind {active.Id} ({active.Version}); position {queued.Queue.Count}";
                fx.Add(Notice(active, NoticeKind.Queued, text));
                fx.Add(Audit(active, "queue", start.By, start.Reason ?? $"queued {start.Version}", active.Phase, active.Phase, now));
                return new Decision(queued, fx, Message: text);

            default: // Supersede
            {
                // The old rollout's traffic returns to stable first; the new one starts (first in the queue) once the
                // cluster accepted that, so it never starts on top of traffic still going to the old canary.
                var reason = $"superseded by {start.Version}";
                var first = new QueuedStart(start.Version, start.Source, start.Config, start.By, now, start.Reason);
                var stopping = StopActive(state with { Queue = [first] }, active, start.By, reason, now, RolloutPhase.Aborted, fx,
                    NoticeKind.Superseded, "supersede", $"{active.Id} ({active.Version}) {reason}");
                return new Decision(stopping, fx,
                    Message: $"{active.Id} superseded by {start.Version}: its traffic returns to stable, then {start.Version} starts");
            }
        }
    }

    private static ServiceState StartNew(ServiceState state, string version, VersionSource source, ReleaseConfig config, Actor by,
        string? reason, DateTimeOffset now, int revision, List<Effect> fx)
    {
        var seq = state.Sequence + 1;
        var r = new RolloutState
        {
            Id = RolloutIds.Of(state.Service, seq),
            Service = state.Service,
            Version = version,
            Revision = revision,
            Source = source,
            Config = config,
            Phase = RolloutPhase.Pending,
            StepIndex = 0,
            StartedBy = by,
            CreatedAt = now,
            UpdatedAt = now,
            NextDueAt = now,
        };
        fx.Add(Notice(r, NoticeKind.Started, $"{by.Name} started {state.Service} {version} ({r.Id}); plan: {string.Join(", ", config.Steps.Select(s => s.Describe()))}"));
        fx.Add(Audit(r, "start", by, reason, RolloutPhase.Pending, RolloutPhase.Pending, now));
        fx.Add(new VerifyRoute(Target(r)) { RolloutId = r.Id });
        fx.Add(Schedule(r, 0, now));
        return state with { Active = r, Sequence = seq };
    }

    /// <summary>Ends the active rollout, archives it in <see cref="ServiceState.LastFinished"/> and starts the next queued one.</summary>
    private static ServiceState Finish(ServiceState state, RolloutState finished, DateTimeOffset now, List<Effect> fx)
    {
        var next = state with { Active = null, LastFinished = finished };
        if (next.Queue.Count == 0) return next;
        var q = next.Queue[0];
        next = next with { Queue = [.. next.Queue.Skip(1)] };
        return StartNew(next, q.Version, q.Source, q.Config, q.By, q.Reason ?? $"dequeued after {finished.Id} {PhaseWord(finished.Phase)}", now, finished.Revision + 1, fx);
    }

    // ---- stop: rollback and abort ----------------------------------------------------------------------------

    private static Decision OnStop(ServiceState state, string? rolloutId, RolloutInput input, DateTimeOffset now, RolloutPhase to)
    {
        var verb = to == RolloutPhase.Aborted ? "abort" : "rollback";
        if (Resolve(state, rolloutId, verb) is { } refusal) return refusal;
        var r = state.Active!;
        if (r.Phase == RolloutPhase.RollingBack)
        {
            // Already on its way back: try the rollback again now instead of waiting for the next retry.
            return new Decision(state, [new RollbackTraffic(Target(r)) { RolloutId = r.Id }],
                Message: $"{r.Id} is already rolling back ({r.Reason}){RetryText(r)}; trying again now");
        }
        var fx = new List<Effect>();
        var next = StopActive(state, r, input.By, input.Reason, now, to, fx, requestedAt: input.ReceivedAt);
        return new Decision(next, fx, Message: $"{r.Id} rolling back: returning traffic to stable");
    }

    /// <summary>Asks for the rollback: the rollout is <see cref="RolloutPhase.RollingBack"/> (its weight unchanged) until the
    /// cluster accepts <see cref="RollbackTraffic"/> (<see cref="OnTrafficApplied"/>); only then does it finish.</summary>
    private static ServiceState StopActive(ServiceState state, RolloutState r, Actor by, string? reason, DateTimeOffset now,
        RolloutPhase to, List<Effect> fx, NoticeKind? kind = null, string? action = null, string? text = null, DateTimeOffset? requestedAt = null)
    {
        var stopping = r with
        {
            Phase = RolloutPhase.RollingBack, Reason = reason ?? $"{PhaseWord(to)} by {by.Name}", UpdatedAt = now,
            NextDueAt = null, PausedBy = null, PausedFrom = null, Promoting = false, Waiting = null, Retry = null,
            Stopping = new StopRequest(to, kind ?? (to == RolloutPhase.Aborted ? NoticeKind.Aborted : NoticeKind.RolledBack), by,
                text ?? $"{r.Id} {PhaseWord(to)} by {by.Name}{(reason is null ? "" : $": {reason}")}") { RequestedAt = Min(requestedAt, now) },
        };
        fx.Add(Audit(stopping, action ?? (to == RolloutPhase.Aborted ? "abort" : "rollback"), by, stopping.Reason, r.Phase, RolloutPhase.RollingBack, now));
        fx.Add(new RollbackTraffic(Target(r)) { RolloutId = r.Id });
        return state with { Active = stopping };
    }

    /// <summary>The cluster accepted the rollback: now the rollout is rolled back (or aborted), at canary 0.</summary>
    private static Decision RolledBackNow(ServiceState state, RolloutState r, DateTimeOffset now)
    {
        var stop = r.Stopping ?? new StopRequest(RolloutPhase.RolledBack, NoticeKind.RolledBack, Actor.System, $"{r.Id} rolled back");
        var latency = now - (stop.RequestedAt ?? r.UpdatedAt);
        var done = r with
        {
            Phase = stop.To, CanaryWeight = 0, FinishedAt = now, UpdatedAt = now, NextDueAt = null, Retry = null,
            RollbackLatency = latency < TimeSpan.Zero ? TimeSpan.Zero : latency,
        };
        var fx = new List<Effect>
        {
            Notice(done, stop.Kind, $"{stop.Text}; traffic back to stable"),
            Audit(done, stop.To == RolloutPhase.Aborted ? "aborted" : "rolled-back", Actor.System, "the cluster accepted the rollback: canary 0%",
                RolloutPhase.RollingBack, stop.To, now),
        };
        return new Decision(Finish(state, done, now, fx), fx, Message: $"{r.Id} {PhaseWord(stop.To)}: traffic back to stable");
    }

    // ---- pause, resume, promote command -------------------------------------------------------------------------

    private static Decision OnPause(ServiceState state, Pause p, DateTimeOffset now)
    {
        if (Resolve(state, p.RolloutId, "pause") is { } refusal) return refusal;
        var r = state.Active!;
        if (RefuseWhileRollingBack(state, r, "pause") is { } rolling) return rolling;
        if (r.Phase == RolloutPhase.Paused)
            return Decision.Refuse(state, RefusalKind.Conflict, $"{r.Id} is already paused ({r.Reason}); resume or rollback it");
        var paused = r with
        {
            Phase = RolloutPhase.Paused, PausedFrom = r.Phase, PausedBy = PauseCause.Command, UpdatedAt = now,
            Reason = p.Reason ?? $"paused by {p.By.Name}",
        };
        List<Effect> fx =
        [
            Notice(paused, NoticeKind.Paused, $"{r.Id} paused by {p.By.Name} at {Position(r)}{(p.Reason is null ? "" : $": {p.Reason}")}"),
            Audit(paused, "pause", p.By, p.Reason, r.Phase, RolloutPhase.Paused, now),
        ];
        return new Decision(state with { Active = paused }, fx, Message: $"{r.Id} paused at {Position(r)}");
    }

    private static Decision OnResume(ServiceState state, Resume input, DateTimeOffset now)
    {
        if (Resolve(state, input.RolloutId, "resume") is { } refusal) return refusal;
        var r = state.Active!;
        if (RefuseWhileRollingBack(state, r, "resume") is { } rolling) return rolling;
        if (r.Phase != RolloutPhase.Paused)
            return Decision.Refuse(state, RefusalKind.Conflict, $"{r.Id} is not paused (it is {PhaseWord(r.Phase)} at {Position(r)})");

        var fx = new List<Effect>();
        var from = r.PausedFrom ?? RolloutPhase.Progressing;
        var resumed = r with { Phase = from, PausedFrom = null, PausedBy = null, Reason = null, UpdatedAt = now };
        fx.Add(Notice(resumed, NoticeKind.Resumed, $"{r.Id} resumed by {input.By.Name}"));
        fx.Add(Audit(resumed, "resume", input.By, input.Reason, RolloutPhase.Paused, from, now));

        switch (r.PausedBy)
        {
            case PauseCause.Plan:
                // Resuming an indefinite pause step completes it.
                resumed = Advance(resumed, now, fx);
                break;
            case PauseCause.Drift:
                // A human chose to continue: the bot re-asserts the weight it last wrote, then carries on.
                fx.Add(new SetTraffic(Target(r), r.CanaryWeight) { RolloutId = r.Id });
                resumed = resumed with { NextDueAt = now };
                fx.Add(Schedule(resumed, resumed.StepIndex, now));
                break;
            default:
                if (r.PausedBy == PauseCause.Failure && r.Promoting && r.StepStartedAt is not null)
                    fx.Add(new SetStableImage(Target(r), Image(r)) { RolloutId = r.Id });
                if (from == RolloutPhase.WaitingApproval)
                {
                    if (r.NextDueAt is { } deadline) fx.Add(Schedule(resumed, r.StepIndex, deadline));
                }
                else
                {
                    // A bake keeps its end time; anything else re-runs (or re-checks) the current step now.
                    var at = r.PausedBy != PauseCause.Failure && r.NextDueAt is { } due && due > now ? due : now;
                    resumed = resumed with { NextDueAt = at };
                    fx.Add(Schedule(resumed, r.StepIndex, at));
                }
                break;
        }
        resumed = r.PausedBy == PauseCause.Analysis ? ResumeAnalysis(resumed, now, fx) : StartAnalysis(resumed, now, fx);
        return new Decision(state with { Active = resumed }, fx, Message: $"{r.Id} resumed at {Position(resumed)}");
    }

    private static Decision OnPromoteCommand(ServiceState state, Promote p, DateTimeOffset now)
    {
        if (Resolve(state, p.RolloutId, "promote") is { } refusal) return refusal;
        var r = state.Active!;
        if (RefuseWhileRollingBack(state, r, "promote") is { } rolling) return rolling;
        if (r.Promoting)
            return Decision.Refuse(state, RefusalKind.Conflict, $"{r.Id} is already promoting (waiting for the stable Deployment)");
        var fx = new List<Effect>();
        var next = RunPromote(state, r with { Phase = RolloutPhase.Progressing, PausedFrom = null, PausedBy = null }, p.By,
            p.Reason ?? $"promoted by {p.By.Name}, skipping {Math.Max(0, r.Config.Steps.Count - r.StepIndex - 1)} remaining step(s)", now, fx, from: r.Phase);
        return new Decision(next, fx, Message: $"{r.Id} promoted by {p.By.Name}");
    }

    // ---- shared helpers -----------------------------------------------------------------------------------------

    /// <summary>Null when the input addresses the active rollout; otherwise the refusal to return.</summary>
    private static Decision? Resolve(ServiceState state, string? rolloutId, string verb)
    {
        if (state.Active is { } a && (rolloutId is null || string.Equals(rolloutId, a.Id, StringComparison.Ordinal))) return null;
        if (rolloutId is not null && state.LastFinished is { } f && f.Id == rolloutId)
            return Decision.Refuse(state, RefusalKind.Conflict, $"{FinishedText(f)}; {verb} changes nothing"
                + (state.Active is { } now ? $"; {now.Id} ({state.Service} {now.Version}) is active at {Position(now)}" : ""));
        if (rolloutId is not null && state.Active is { } current)
            return Decision.Refuse(state, RefusalKind.Conflict,
                $"rollout {rolloutId} is no longer current; {current.Id} ({state.Service} {current.Version}) is active at {Position(current)}");
        var last = state.LastFinished is { } l ? $"; the last one, {FinishedText(l)}" : "";
        return Decision.Refuse(state, RefusalKind.NotFound,
            rolloutId is null ? $"no active rollout for {state.Service}{last}" : $"rollout {rolloutId} not found for {state.Service}{last}");
    }

    private static Decision? RefuseWhileRollingBack(ServiceState state, RolloutState r, string verb) =>
        r.Phase == RolloutPhase.RollingBack
            ? Decision.Refuse(state, RefusalKind.Conflict,
                $"{r.Id} is rolling back ({r.Reason}); traffic returns to stable as soon as the cluster accepts it{RetryText(r)}; {verb} changes nothing")
            : null;

    /// <summary>"; last attempt failed: …; next attempt at …", or empty when nothing waits for a retry.</summary>
    internal static string RetryText(RolloutState r) =>
        r.Retry is { } x ? $"; attempt {x.Attempt} failed: {x.Error}; next attempt at {Stamp(x.At)}" : "";

    /// <summary>Problems that make a plan impossible to run; the config loader reports them with file and line first.</summary>
    internal static string? PlanProblem(ReleaseConfig c)
    {
        if (c.Steps.Count == 0) return $"{c.Service}: the plan has no steps";
        for (var i = 0; i < c.Steps.Count; i++)
        {
            switch (c.Steps[i])
            {
                case SetWeightStep { Weight: < 0 or > 100 } w:
                    return $"{c.Service}: steps[{i}].setWeight {w.Weight} is out of range 0-100";
                case MirrorStep { Percent: < 0 or > 100 } m:
                    return $"{c.Service}: steps[{i}].mirror {m.Percent} is out of range 0-100";
                case ApprovalStep { Count: < 1 }:
                    return $"{c.Service}: steps[{i}].approval.count must be at least 1";
                case SetImageStep when c.Deployments is null:
                    return $"{c.Service}: steps[{i}].setImage needs a deployments section";
            }
        }
        // Every plan ends in a promote (its promote step, or implicitly after the last step). Without deployments the promote
        // cannot move the stable Deployment to the new version, so the route would stay at canary 100% and the next rollout's
        // stable subset would serve the old version.
        if (c.Deployments is null)
            return $"{c.Service}: deployments is missing; the promote must move the stable Deployment to the new version before traffic "
                + "returns to stable (or the next rollout sends its stable share to the old version); add deployments: {canary, stable, image}";
        return null;
    }

    internal static TrafficTarget Target(RolloutState r) => TrafficTarget.For(r.Config);

    private static ScheduleStep Schedule(RolloutState r, int stepIndex, DateTimeOffset at) =>
        new(r.Service, stepIndex, at) { RolloutId = r.Id };

    private static Notify Notice(RolloutState snapshot, NoticeKind kind, string text) => new(kind, text, snapshot) { RolloutId = snapshot.Id };

    private static AuditEntry Audit(RolloutState r, string action, Actor by, string? reason, RolloutPhase from, RolloutPhase to, DateTimeOffset at) =>
        new(r.Service, action, by, reason, from, to, at) { RolloutId = r.Id, CanaryWeight = r.CanaryWeight };

    /// <summary>A received-at later than the decision (clock skew between instances) counts as the decision time.</summary>
    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

    /// <summary>"step 2/5 (approval (1))", or "promotion" past the last step.</summary>
    public static string Position(RolloutState r) =>
        r.CurrentStep is { } s ? $"step {r.StepIndex + 1}/{r.Config.Steps.Count} ({s.Describe()})" : "promotion";

    public static string PhaseWord(RolloutPhase phase) => phase switch
    {
        RolloutPhase.Succeeded => "succeeded",
        RolloutPhase.RolledBack => "rolled back",
        RolloutPhase.Aborted => "aborted",
        RolloutPhase.Failed => "failed",
        RolloutPhase.Paused => "paused",
        RolloutPhase.RollingBack => "rolling back",
        RolloutPhase.WaitingApproval => "waiting for approval",
        RolloutPhase.Pending => "pending",
        _ => "progressing",
    };

    private static string FinishedText(RolloutState f) =>
        $"rollout {f.Id} ({f.Version}) already {PhaseWord(f.Phase)} at {Stamp(f.FinishedAt ?? f.UpdatedAt)}";

    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

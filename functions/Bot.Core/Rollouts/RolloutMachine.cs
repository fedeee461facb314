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

    /// <summary>As above, with deploy windows, freezes and cron slots applied (<see cref="GateDecisions"/>).</summary>
    public static Decision Decide(ServiceState state, RolloutInput input, DateTimeOffset now, GateContext gates)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(gates);
        return input switch
        {
            StartRollout s => GateDecisions.RefuseStart(state, s, gates, now) ?? GateDecisions.AnnounceStart(OnStart(state, s, now), s, gates, now),
            StepDue d => OnStepDue(state, d, now, gates),
            Promote p when GateDecisions.RefusePromote(state, gates, now) is { } refused => refused,
            DeploymentObserved o => OnDeploymentObserved(state, o, now),
            EffectFailed f => OnEffectFailed(state, f, now),
            Approve a => OnApprove(state, a, now),
            Rollback r => OnStop(state, r.RolloutId, r, now, RolloutPhase.RolledBack),
            Abort a => OnStop(state, a.RolloutId, a, now, RolloutPhase.Aborted),
            Pause p => OnPause(state, p, now),
            Resume r => OnResume(state, r, now),
            Promote p => OnPromoteCommand(state, p, now),
            _ => Decision.Refuse(state, RefusalKind.Invalid, $"unknown input {input.GetType().Name}"),
        };
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
                var reason = $"superseded by {start.Version}";
                var old = active with
                {
                    Phase = RolloutPhase.Aborted, Reason = reason, FinishedAt = now, UpdatedAt = now, NextDueAt = null,
                    PausedBy = null, Promoting = false,
                };
                fx.Add(new RollbackTraffic(Target(active)) { RolloutId = active.Id });
                fx.Add(Notice(old, NoticeKind.Superseded, $"{active.Id} ({active.Version}) {reason}; traffic back to stable"));
                fx.Add(Audit(old, "supersede", start.By, reason, active.Phase, RolloutPhase.Aborted, now));
                var afterOld = state with { Active = null, LastFinished = old };
                var next = StartNew(afterOld, start.Version, start.Source, start.Config, start.By, start.Reason, now, active.Revision + 1, fx);
                return new Decision(next, fx, Message: $"{active.Id} superseded; started {next.Active!.Id}: {state.Service} {start.Version}");
        }
    }

    private static ServiceState StartNew(ServiceState state, string version, VersionSource source, ReleaseConfig config, Actor by,
        string? reason, DateTimeOffset now, int revision, List<Effect> fx)
    {
        var seq = state.Sequence + 1;
        var r = new RolloutState
        {
            Id = $"{state.Service}-{seq}",
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
        fx.Add(new VerifyRoute(Target(r)) { RolloutId = r.Id });
        fx.Add(Notice(r, NoticeKind.Started, $"{by.Name} started {state.Service} {version} ({r.Id}); plan: {string.Join(", ", config.Steps.Select(s => s.Describe()))}"));
        fx.Add(Audit(r, "start", by, reason, RolloutPhase.Pending, RolloutPhase.Pending, now));
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
        return StartNew(next, q.Version, q.Source, q.Config, q.By, $"dequeued after {finished.Id} {PhaseWord(finished.Phase)}", now, finished.Revision + 1, fx);
    }

    // ---- stop: rollback and abort ----------------------------------------------------------------------------

    private static Decision OnStop(ServiceState state, string? rolloutId, RolloutInput input, DateTimeOffset now, RolloutPhase to)
    {
        var verb = to == RolloutPhase.Aborted ? "abort" : "rollback";
        if (Resolve(state, rolloutId, verb) is { } refusal) return refusal;
        var r = state.Active!;
        var fx = new List<Effect>();
        var next = StopActive(state, r, input.By, input.Reason, now, to, fx);
        return new Decision(next, fx, Message: $"{r.Id} {PhaseWord(to)}: traffic back to stable");
    }

    private static ServiceState StopActive(ServiceState state, RolloutState r, Actor by, string? reason, DateTimeOffset now,
        RolloutPhase to, List<Effect> fx)
    {
        var done = r with
        {
            Phase = to, Reason = reason ?? $"{PhaseWord(to)} by {by.Name}", FinishedAt = now, UpdatedAt = now,
            NextDueAt = null, PausedBy = null, Promoting = false, CanaryWeight = 0,
        };
        fx.Add(new RollbackTraffic(Target(r)) { RolloutId = r.Id });
        var kind = to == RolloutPhase.Aborted ? NoticeKind.Aborted : NoticeKind.RolledBack;
        fx.Add(Notice(done, kind, $"{r.Id} {PhaseWord(to)} by {by.Name}{(reason is null ? "" : $": {reason}")}; traffic back to stable"));
        fx.Add(Audit(done, to == RolloutPhase.Aborted ? "abort" : "rollback", by, done.Reason, r.Phase, to, now));
        return Finish(state, done, now, fx);
    }

    // ---- pause, resume, promote command -------------------------------------------------------------------------

    private static Decision OnPause(ServiceState state, Pause p, DateTimeOffset now)
    {
        if (Resolve(state, p.RolloutId, "pause") is { } refusal) return refusal;
        var r = state.Active!;
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
                if (r.PausedBy == PauseCause.Failure && r.Promoting)
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
        return new Decision(state with { Active = resumed }, fx, Message: $"{r.Id} resumed at {Position(resumed)}");
    }

    private static Decision OnPromoteCommand(ServiceState state, Promote p, DateTimeOffset now)
    {
        if (Resolve(state, p.RolloutId, "promote") is { } refusal) return refusal;
        var r = state.Active!;
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
        return null;
    }

    internal static TrafficTarget Target(RolloutState r) => TrafficTarget.For(r.Config);

    private static ScheduleStep Schedule(RolloutState r, int stepIndex, DateTimeOffset at) =>
        new(r.Service, stepIndex, at) { RolloutId = r.Id };

    private static Notify Notice(RolloutState snapshot, NoticeKind kind, string text) => new(kind, text, snapshot) { RolloutId = snapshot.Id };

    private static AuditEntry Audit(RolloutState r, string action, Actor by, string? reason, RolloutPhase from, RolloutPhase to, DateTimeOffset at) =>
        new(r.Service, action, by, reason, from, to, at) { RolloutId = r.Id };

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
        RolloutPhase.WaitingApproval => "waiting for approval",
        RolloutPhase.Pending => "pending",
        _ => "progressing",
    };

    private static string FinishedText(RolloutState f) =>
        $"rollout {f.Id} ({f.Version}) already {PhaseWord(f.Phase)} at {Stamp(f.FinishedAt ?? f.UpdatedAt)}";

    internal static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

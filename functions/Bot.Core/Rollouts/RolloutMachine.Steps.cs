using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Core.Rollouts;

public static partial class RolloutMachine
{
    /// <summary>How long to wait before observing a Deployment that is still progressing. The default value is 5 seconds.</summary>
    public static readonly TimeSpan DeploymentRecheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Wait before the first retry of an effect the cluster did not accept; doubles per attempt up to <see cref="RetryMaxDelay"/>.
    /// The default value is 2 seconds.</summary>
    public static readonly TimeSpan RetryFirstDelay = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between retries. The default value is 1 minute.</summary>
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromMinutes(1);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): 2 s, 4 s, 8 s, … capped at 1 min.</summary>
    public static TimeSpan RetryDelay(int attempt) =>
        attempt >= 6 ? RetryMaxDelay : TimeSpan.FromTicks(Math.Min(RetryMaxDelay.Ticks, RetryFirstDelay.Ticks << Math.Max(0, attempt - 1)));

    private static Decision NoOp(ServiceState state, string message) => new(state, [], Message: message);

    // ---- step messages --------------------------------------------------------------------------------------------

    private static Decision OnStepDue(ServiceState state, StepDue due, DateTimeOffset now, GateContext gates)
    {
        if (state.Active is not { } r || r.Id != due.RolloutId || r.StepIndex != due.StepIndex)
            return NoOp(state, $"stale step message: {due.RolloutId} step {due.StepIndex + 1} is not current"
                + (state.Active is { } a ? $" ({a.Id} is at {Position(a)})" : $" (no active rollout for {state.Service})"));

        if (r.Retry is { } pending && now < pending.At)
            return NoOp(state, $"{r.Id} waits to try {pending.Failed.GetType().Name} again at {Stamp(pending.At)} ({pending.Error})");

        switch (r.Phase)
        {
            case RolloutPhase.RollingBack:
                return new Decision(state, [new RollbackTraffic(Target(r)) { RolloutId = r.Id }], Message: $"{r.Id}: trying the rollback again");
            case RolloutPhase.Paused:
                return NoOp(state, $"{r.Id} is paused; the step runs on resume");
            case RolloutPhase.WaitingApproval when r.Retry is { } check:
                // The route check failed transiently before an approval step: check again; the approval keeps waiting.
                return new Decision(state, [check.Failed], Message: $"{r.Id}: trying {check.Failed.GetType().Name} again");
            case RolloutPhase.WaitingApproval:
                return OnApprovalDeadline(state, r, due.By, now);
        }

        var fx = new List<Effect>();
        // A retry first repeats the failed effect when the step would not emit it again by itself.
        if (r.Retry is { Failed: VerifyRoute or SetCanaryImage or SetStableImage } retry) fx.Add(retry.Failed);
        if (r.Promoting)
        {
            if (r.StepStartedAt is null)
            {
                fx.Add(new SetTraffic(Target(r), 100) { RolloutId = r.Id });
                return new Decision(state, fx, Message: $"{r.Id}: moving all traffic to the canary again");
            }
            fx.Add(new CheckDeployment(Target(r), DeploymentRole.Stable, r.StepIndex) { RolloutId = r.Id });
            return new Decision(state, fx, Message: $"{r.Id}: checking the stable Deployment again");
        }
        if (StepGate.HoldStep(state, r, gates, now) is { } held) return held;
        r = r with { Waiting = null };

        var from = r.Phase;
        var running = r with { Phase = RolloutPhase.Progressing, UpdatedAt = now };
        var by = due.By;
        switch (r.CurrentStep)
        {
            case null:
            case PromoteStep:
                if (AnalysisHold(r) is { } notYet) return ExtendStep(state, running, notYet, now, fx);
                return new Decision(RunPromote(state, running, by, null, now, fx, from), fx, Message: $"{r.Id} promoting");

            // Traffic steps: the step is done when the cluster accepted the write (TrafficApplied), not when it is asked for;
            // until then the rollout stays as it was (phase, weight, step).
            case SetWeightStep w:
                fx.Add(new SetTraffic(Target(r), w.Weight) { RolloutId = r.Id });
                return new Decision(state with { Active = r with { UpdatedAt = now } }, fx, Message: $"{r.Id} {Position(r)}: setting canary to {w.Weight}%");

            case HeaderRouteStep h:
                fx.Add(new SetHeaderRoute(Target(r), h) { RolloutId = r.Id });
                return new Decision(state with { Active = r with { UpdatedAt = now } }, fx, Message: $"{r.Id} {Position(r)}: adding the header route");

            case MirrorStep m:
                fx.Add(new SetMirror(Target(r), m.Percent > 0 ? m.Percent : null) { RolloutId = r.Id });
                return new Decision(state with { Active = r with { UpdatedAt = now } }, fx, Message: $"{r.Id} {Position(r)}: setting the mirror");

            case PauseStep { Duration: null }:
            {
                var paused = running with
                {
                    Phase = RolloutPhase.Paused, PausedFrom = RolloutPhase.Progressing, PausedBy = PauseCause.Plan,
                    StepStartedAt = now, NextDueAt = null, Reason = $"plan pause at {Position(r)}: resume to continue",
                };
                fx.Add(Notice(paused, NoticeKind.Paused, $"{r.Id} paused by the plan at {Position(r)}; resume to continue or rollback"));
                fx.Add(Audit(paused, "pause", by, paused.Reason, from, RolloutPhase.Paused, now));
                return new Decision(state with { Active = paused }, fx, Message: paused.Reason);
            }

            case PauseStep { Duration: { } bake }:
                if (r.StepStartedAt is null)
                {
                    var baking = running with { StepStartedAt = now, NextDueAt = now + bake };
                    fx.Add(Notice(baking, NoticeKind.Waiting, $"{r.Id} baking for {Durations.Format(bake)} at canary {r.CanaryWeight}%, until {Stamp(now + bake)}"));
                    fx.Add(Audit(baking, "bake", by, $"pause {Durations.Format(bake)}", from, RolloutPhase.Progressing, now));
                    fx.Add(Schedule(baking, r.StepIndex, now + bake));
                    return new Decision(state with { Active = baking }, fx, Message: $"{r.Id} baking until {Stamp(now + bake)}");
                }
                if (r.NextDueAt is { } end && now < end)
                    return NoOp(state, $"{r.Id} is baking until {Stamp(end)}");
                if (AnalysisHold(r) is { } unbaked) return ExtendStep(state, running, unbaked, now, fx);
                return Completed(state, running, by, from, now, fx, $"baked {Durations.Format(bake)}");

            case AnalyzeStep analyze:
                if (r.StepStartedAt is null)
                {
                    var analysing = running with
                    {
                        StepStartedAt = now, NextDueAt = now + analyze.Duration,
                        Analysis = r.Analysis is { } prior ? prior with { StepIndex = r.StepIndex, Passes = 0, Overridden = false } : null,
                    };
                    analysing = StartAnalysis(analysing, now, fx);
                    fx.Add(Notice(analysing, NoticeKind.Waiting, $"{r.Id} analysing the canary at {r.CanaryWeight}% for {Durations.Format(analyze.Duration)}, until {Stamp(now + analyze.Duration)}; the step passes on a passing verdict"));
                    fx.Add(Audit(analysing, "analysis-step", by, analyze.Describe(), from, RolloutPhase.Progressing, now));
                    fx.Add(Schedule(analysing, r.StepIndex, now + analyze.Duration));
                    return new Decision(state with { Active = analysing }, fx, Message: $"{r.Id} analysing until {Stamp(now + analyze.Duration)}");
                }
                if (r.NextDueAt is { } analysisEnd && now < analysisEnd)
                    return NoOp(state, $"{r.Id} is analysing until {Stamp(analysisEnd)}");
                if (AnalysisHold(r) is { } unpassed) return ExtendStep(state, running, unpassed, now, fx);
                return Completed(state, running, by, from, now, fx, $"analysis passed ({r.Analysis?.Passes ?? 0} interval(s))");

            case FaultStep fault:
                fx.Add(new SetFault(Target(r), fault) { RolloutId = r.Id });
                return new Decision(state with { Active = r with { UpdatedAt = now } }, fx, Message: $"{r.Id} {Position(r)}: injecting the fault");

            case ApprovalStep a:
            {
                var deadline = a.Timeout is { } t ? now + t : (DateTimeOffset?)null;
                var waiting = running with { Phase = RolloutPhase.WaitingApproval, StepStartedAt = now, NextDueAt = deadline };
                var who = a.Approvers.Count > 0 ? a.Approvers : r.Config.Approvers.Count > 0 ? r.Config.Approvers : r.Config.Deployers;
                var text = $"{r.Id} waiting for {a.Count} approval(s)"
                    + (who.Count > 0 ? $" from {string.Join(", ", who)}" : "")
                    + (deadline is { } d ? $"; {(a.OnTimeout == TimeoutAction.Rollback ? "rolls back" : "holds")} at {Stamp(d)}" : "");
                fx.Add(Notice(waiting, NoticeKind.WaitingApproval, text));
                fx.Add(Audit(waiting, "wait-approval", by, null, from, RolloutPhase.WaitingApproval, now));
                if (deadline is { } at) fx.Add(Schedule(waiting, r.StepIndex, at));
                return new Decision(state with { Active = waiting }, fx, Message: text);
            }

            case SetImageStep:
                if (r.StepStartedAt is not null)
                {
                    fx.Add(new CheckDeployment(Target(r), DeploymentRole.Canary, r.StepIndex) { RolloutId = r.Id });
                    return new Decision(state, fx, Message: $"{r.Id}: checking the canary Deployment again");
                }
                var image = Image(r);
                var imaging = running with { StepStartedAt = now };
                fx.Add(new SetCanaryImage(Target(r), image) { RolloutId = r.Id });
                fx.Add(new CheckDeployment(Target(r), DeploymentRole.Canary, r.StepIndex) { RolloutId = r.Id });
                fx.Add(Audit(imaging, "set-canary-image", by, image, from, RolloutPhase.Progressing, now));
                return new Decision(state with { Active = imaging }, fx, Message: $"{r.Id}: canary image {image}, waiting until ready");

            default:
                return Decision.Refuse(state, RefusalKind.Invalid, $"{r.Id}: unknown step {r.CurrentStep.GetType().Name}");
        }
    }

    /// <summary>What the cluster accepting a traffic write means: a traffic step done, a promote's next stage, or a rollback
    /// finished. Anything else (a cleanup, a re-asserted weight, a late report) only clears a pending retry.</summary>
    private static Decision OnTrafficApplied(ServiceState state, TrafficApplied t, DateTimeOffset now)
    {
        if (state.Active is not { } active || active.Id != t.RolloutId)
            return NoOp(state, $"{t.RolloutId}: {t.Effect.GetType().Name} applied");
        if (active.Phase == RolloutPhase.RollingBack)
            return t.Effect is RollbackTraffic ? RolledBackNow(state, active, now) : NoOp(state, $"{active.Id} is rolling back");

        var r = active with { Retry = null };
        var fx = new List<Effect>();
        var from = r.Phase;
        switch (t.Effect)
        {
            case SetTraffic { CanaryWeight: 100 } when r.Promoting && r.StepStartedAt is null:
            {
                // All traffic is on the canary (the new version): now move the stable Deployment to the new image.
                var image = Image(r);
                var moving = r with { CanaryWeight = 100, StepStartedAt = now, NextDueAt = now + DeploymentRecheckInterval, UpdatedAt = now };
                fx.Add(new SetStableImage(Target(r), image) { RolloutId = r.Id });
                fx.Add(new CheckDeployment(Target(r), DeploymentRole.Stable, r.StepIndex) { RolloutId = r.Id });
                fx.Add(Notice(moving, NoticeKind.StepDone, $"{r.Id} promoting: all traffic on the canary while stable moves to {image}"));
                return new Decision(state with { Active = moving }, fx, Message: $"{r.Id} promoting: stable moves to {image}");
            }
            case SetTraffic { CanaryWeight: 0 } when r.Promoting && r.StepStartedAt is not null:
            {
                // Stable runs the new version and serves all traffic again: done; the canary can shrink.
                var next = Succeed(state, r with { CanaryWeight = 0 }, t.By, r.Reason, now, fx, from);
                if (r.Config.Deployments is { ScaleDownCanary: true }) fx.Add(new ScaleCanary(Target(r), 0) { RolloutId = r.Id });
                return new Decision(next, fx, Message: $"{r.Id} succeeded");
            }
            case SetTraffic st when !r.Promoting && r.CurrentStep is SetWeightStep w && w.Weight == st.CanaryWeight:
                return Completed(state, r with { CanaryWeight = w.Weight }, t.By, from, now, fx, $"canary at {w.Weight}%");
            case SetHeaderRoute h when !r.Promoting && r.CurrentStep is HeaderRouteStep step && step == h.Match:
                return Completed(state, r, t.By, from, now, fx, $"requests with {step.Header}: {step.Value} go to the canary");
            case SetMirror m when !r.Promoting && r.CurrentStep is MirrorStep step && m.Percent == (step.Percent > 0 ? step.Percent : null):
                return Completed(state, r, t.By, from, now, fx, step.Percent > 0 ? $"mirroring {step.Percent}% to the canary" : "mirror removed");
            case SetFault f when !r.Promoting && r.CurrentStep is FaultStep step && f.Fault == step:
                return Completed(state, r, t.By, from, now, fx, $"fault injected on the canary's route ({step.Describe()})");
            case SetTraffic st:
                r = r with { CanaryWeight = st.CanaryWeight };
                break;
            case VerifyRoute when active.Retry is not null && r.Phase == RolloutPhase.WaitingApproval
                                  && r.CurrentStep is ApprovalStep { Timeout: { } timeout } && r.StepStartedAt is { } asked:
                // The retries used the step's due time; the approval deadline is due again.
                r = r with { NextDueAt = asked + timeout };
                return new Decision(state with { Active = r }, [Schedule(r, r.StepIndex, asked + timeout)], Message: $"{r.Id}: route checked");
        }
        return Equals(r, active) ? NoOp(state, $"{r.Id}: {t.Effect.GetType().Name} applied") : new Decision(state with { Active = r }, [], Message: $"{r.Id}: {t.Effect.GetType().Name} applied");
    }

    /// <summary>The current step is done: notify, audit, move to the next step and schedule it now.</summary>
    private static Decision Completed(ServiceState state, RolloutState r, Actor by, RolloutPhase from, DateTimeOffset now, List<Effect> fx, string what)
    {
        var done = Position(r);
        var next = Advance(r, now, fx, notice: $"{r.Id} {done} done: {what}", by, from);
        return new Decision(state with { Active = next }, fx, Message: $"{r.Id} {done} done: {what}");
    }

    /// <summary>Moves to the next step; with <paramref name="notice"/>, also emits the step-done notice and audit first.</summary>
    private static RolloutState Advance(RolloutState r, DateTimeOffset now, List<Effect> fx, string? notice = null, Actor? by = null, RolloutPhase? from = null)
    {
        var next = r with
        {
            StepIndex = r.StepIndex + 1, StepStartedAt = null, NextDueAt = now, Phase = RolloutPhase.Progressing, UpdatedAt = now,
        };
        if (notice is not null)
        {
            fx.Add(Notice(next, NoticeKind.StepDone, notice));
            fx.Add(Audit(next, "step", by ?? Actor.System, notice, from ?? r.Phase, RolloutPhase.Progressing, now));
        }
        fx.Add(Schedule(next, next.StepIndex, now));
        return StartAnalysis(next, now, fx);
    }

    private static string Image(RolloutState r) =>
        r.Source.Image ?? r.Config.Deployments?.ImageTemplate.Replace("{version}", r.Version, StringComparison.Ordinal) ?? r.Version;

    // ---- approvals ------------------------------------------------------------------------------------------------

    private static Decision OnApprovalDeadline(ServiceState state, RolloutState r, Actor by, DateTimeOffset now)
    {
        if (r.CurrentStep is not ApprovalStep step || r.NextDueAt is not { } deadline || now < deadline)
            return NoOp(state, $"{r.Id} is waiting for approval" + (r.NextDueAt is { } d ? $" until {Stamp(d)}" : ""));

        var have = CurrentApprovals(r).Count;
        var reason = $"approval timed out after {Durations.Format(step.Timeout ?? TimeSpan.Zero)} ({have} of {step.Count} approvals)";
        var fx = new List<Effect>();
        if (step.OnTimeout == TimeoutAction.Rollback)
            return new Decision(StopActive(state, r, by, reason, now, RolloutPhase.RolledBack, fx), fx, Message: $"{r.Id}: {reason}; rolling back");

        var held = r with { NextDueAt = null, UpdatedAt = now };
        fx.Add(Notice(held, NoticeKind.Reminder, $"{r.Id}: {reason}; holding at canary {r.CanaryWeight}% until someone approves or rolls back"));
        fx.Add(Audit(held, "approval-timeout", by, reason + "; hold", r.Phase, r.Phase, now));
        return new Decision(state with { Active = held }, fx, Message: $"{r.Id}: {reason}; holding");
    }

    private static IReadOnlyList<Approval> CurrentApprovals(RolloutState r) =>
        r.Approvals.Where(a => a.StepIndex == r.StepIndex && a.Revision == r.Revision).ToList();

    private static Decision OnApprove(ServiceState state, Approve input, DateTimeOffset now)
    {
        if (Resolve(state, input.RolloutId, "approve") is { } refusal) return refusal;
        var r = state.Active!;
        if ((input.StepIndex is { } si && si != r.StepIndex) || (input.Revision is { } rev && rev != r.Revision))
            return Decision.Refuse(state, RefusalKind.Conflict,
                $"stale approval: it was for {r.Id} step {(input.StepIndex ?? r.StepIndex) + 1}, revision {input.Revision ?? r.Revision}; "
                + $"{r.Id} is now {PhaseWord(r.Phase)} at {Position(r)}, revision {r.Revision}");
        if (r.Phase == RolloutPhase.Paused && r.PausedBy == PauseCause.Analysis)
            return OnApproveAnyway(state, r, input, now);
        if (r.Phase != RolloutPhase.WaitingApproval || r.CurrentStep is not ApprovalStep step)
            return Decision.Refuse(state, RefusalKind.Conflict, $"{r.Id} is not waiting for approval; it is {PhaseWord(r.Phase)} at {Position(r)}");
        if (r.Config.Policy.DistinctApprover && input.By.SamePerson(r.StartedBy))
            return Decision.Refuse(state, RefusalKind.Forbidden,
                $"{input.By.Name} started {r.Id} and cannot approve it too (policy distinctApprover); ask another approver");

        var current = CurrentApprovals(r);
        if (current.Any(a => a.By.SamePerson(input.By)))
            return NoOp(state, $"{input.By.Name} already approved {r.Id} {Position(r)}; the same person counts once ({current.Count} of {step.Count})");

        var approvals = current.Count + 1;
        var approved = r with { Approvals = [.. r.Approvals, new Approval(input.By, r.StepIndex, r.Revision, now)], UpdatedAt = now };
        var fx = new List<Effect>();
        if (approvals < step.Count)
        {
            var text = $"{r.Id} approved by {input.By.Name} ({approvals} of {step.Count}); waiting for {step.Count - approvals} more";
            fx.Add(Notice(approved, NoticeKind.Approved, text));
            fx.Add(Audit(approved, "approve", input.By, input.Reason ?? $"{approvals} of {step.Count}", r.Phase, r.Phase, now));
            return new Decision(state with { Active = approved }, fx, Message: text);
        }

        var names = string.Join(", ", current.Select(a => a.By.Name).Append(input.By.Name));
        var advanced = approved with
        {
            StepIndex = r.StepIndex + 1, StepStartedAt = null, NextDueAt = now, Phase = RolloutPhase.Progressing,
        };
        var done = $"{r.Id} approved by {names} ({approvals} of {step.Count})";
        fx.Add(Notice(advanced, NoticeKind.Approved, done));
        fx.Add(Audit(advanced, "approve", input.By, input.Reason ?? $"{approvals} of {step.Count}", r.Phase, RolloutPhase.Progressing, now));
        fx.Add(Schedule(advanced, advanced.StepIndex, now));
        return new Decision(state with { Active = advanced }, fx, Message: done);
    }

    // ---- promotion ------------------------------------------------------------------------------------------------

    /// <summary>Promotion in three stages, each after the cluster accepted the previous one: all traffic to the canary (the new
    /// version), the stable Deployment to the new image until ready, then all traffic back to stable (now the new version).</summary>
    private static ServiceState RunPromote(ServiceState state, RolloutState r, Actor by, string? reason, DateTimeOffset now, List<Effect> fx, RolloutPhase from)
    {
        if (r.Config.Deployments is null)
        {
            // Refused at start (PlanProblem); a rollout stored before that rule holds here instead of leaving stable on the old version.
            var why = "cannot promote: the release config has no deployments section, so the stable Deployment cannot move to the new version; "
                + "add deployments: {canary, stable, image} and start again, or rollback";
            var held = r with { Phase = RolloutPhase.Paused, PausedFrom = RolloutPhase.Progressing, PausedBy = PauseCause.Failure, Reason = why, UpdatedAt = now, NextDueAt = null };
            fx.Add(Notice(held, NoticeKind.Failed, $"{r.Id} paused: {why}"));
            fx.Add(Audit(held, "pause", by, why, from, RolloutPhase.Paused, now));
            return state with { Active = held };
        }
        var promoting = r with
        {
            Phase = RolloutPhase.Progressing, Promoting = true, StepStartedAt = null, NextDueAt = now + DeploymentRecheckInterval, UpdatedAt = now, Retry = null,
        };
        fx.Add(Audit(promoting, "promote", by, reason, from, RolloutPhase.Progressing, now));
        fx.Add(new SetTraffic(Target(r), 100) { RolloutId = r.Id });
        return state with { Active = promoting };
    }

    /// <summary>Header and mirror routes the plan added, removed before traffic returns to stable at the end.</summary>
    private static void Cleanup(RolloutState r, List<Effect> fx)
    {
        var ran = r.Config.Steps.Take(Math.Min(r.StepIndex + 1, r.Config.Steps.Count)).ToList();
        if (ran.Any(s => s is HeaderRouteStep)) fx.Add(new SetHeaderRoute(Target(r), null) { RolloutId = r.Id });
        if (ran.Any(s => s is MirrorStep)) fx.Add(new SetMirror(Target(r), null) { RolloutId = r.Id });
        if (ran.Any(s => s is FaultStep)) fx.Add(new SetFault(Target(r), null) { RolloutId = r.Id });
    }

    private static ServiceState Succeed(ServiceState state, RolloutState r, Actor by, string? reason, DateTimeOffset now, List<Effect> fx, RolloutPhase from)
    {
        var done = r with
        {
            Phase = RolloutPhase.Succeeded, FinishedAt = now, UpdatedAt = now, NextDueAt = null, Promoting = false,
            PausedBy = null, PausedFrom = null, Reason = reason,
        };
        fx.Add(Notice(done, NoticeKind.Succeeded, $"{r.Id} succeeded: {r.Service} {r.Version} serves all traffic"));
        fx.Add(Audit(done, "succeed", by, reason, from, RolloutPhase.Succeeded, now));
        return Finish(state, done, now, fx);
    }

    private static Decision OnDeploymentObserved(ServiceState state, DeploymentObserved o, DateTimeOffset now)
    {
        if (state.Active is not { } r || r.Id != o.RolloutId || r.StepIndex != o.StepIndex)
            return NoOp(state, $"stale observation of {o.RolloutId} step {o.StepIndex + 1}");
        var expected = r.Promoting && r.StepStartedAt is not null ? DeploymentRole.Stable
            : !r.Promoting && r.CurrentStep is SetImageStep && r.StepStartedAt is not null ? DeploymentRole.Canary : (DeploymentRole?)null;
        if (expected != o.Role || r.Phase is RolloutPhase.Paused or RolloutPhase.RollingBack)
            return NoOp(state, $"{r.Id} is not waiting for the {o.Role.ToString().ToLowerInvariant()} Deployment");
        r = r with { Retry = null };

        var fx = new List<Effect>();
        switch (o.State)
        {
            case ReadinessState.Progressing:
                fx.Add(Schedule(r, r.StepIndex, now + DeploymentRecheckInterval));
                return new Decision(state with { Active = r }, fx, Message: $"{r.Id}: {o.Role.ToString().ToLowerInvariant()} Deployment still progressing: {o.Message}");

            case ReadinessState.Ready when o.Role == DeploymentRole.Canary:
                return Completed(state, r, o.By, r.Phase, now, fx, $"canary Deployment ready ({o.Message})");

            case ReadinessState.Ready:
                // Stable now runs the new image: remove the plan's extra routes, then all traffic goes back to stable. The rollout
                // succeeds when the cluster accepted that (OnTrafficApplied); a recheck after a failure comes here again.
                Cleanup(r, fx);
                fx.Add(new SetTraffic(Target(r), 0) { RolloutId = r.Id });
                return new Decision(state with { Active = r }, fx, Message: $"{r.Id}: stable Deployment ready ({o.Message}); moving all traffic back to stable");

            case ReadinessState.Failed when o.Role == DeploymentRole.Canary:
                var reason = $"canary Deployment failed: {o.Message}";
                return new Decision(StopActive(state, r, o.By, reason, now, RolloutPhase.RolledBack, fx), fx, Message: $"{r.Id}: {reason}; rolling back");

            default:
                return PauseFor(state, r, PauseCause.Failure, NoticeKind.Failed, o.By, now,
                    $"stable Deployment failed during promotion: {o.Message}; traffic stays on the canary at 100%; resume to check again or rollback");
        }
    }

    // ---- effect failures ------------------------------------------------------------------------------------------

    private static Decision OnEffectFailed(ServiceState state, EffectFailed f, DateTimeOffset now)
    {
        var effect = f.Effect.GetType().Name;
        if (f.Effect is Notify or AuditEntry or ScheduleStep)
            return NoOp(state, $"{effect} for {f.RolloutId} failed: {f.Error}; the rollout is unaffected");
        if (state.Active is not { } r || r.Id != f.RolloutId)
            return NoOp(state, $"stale failure report for {f.RolloutId}: {effect}: {f.Error}");

        // A rollback the cluster did not accept (for whatever reason) stays rolling back and is tried again until it is.
        if (r.Phase == RolloutPhase.RollingBack)
            return RetryLater(state, r, f, now, f.By,
                $"{r.Id} rolling back: the cluster did not accept the rollback ({f.Error}); traffic stays at canary {r.CanaryWeight}% until it does");

        var fx = new List<Effect>();
        if (f.IsDrift)
            return PauseFor(state, r, PauseCause.Drift, NoticeKind.Drift, f.By, now,
                $"traffic drift: {f.Error}; resume to restore canary {r.CanaryWeight}% or rollback");

        // The infrastructure failed, not the canary: wait and try again; rolling back would need the same API.
        if (f.IsTransient)
            return RetryLater(state, r, f, now, f.By,
                $"{r.Id} waiting at {Position(r)}: the Kubernetes API failed ({effect}: {f.Error}); canary stays at {r.CanaryWeight}%, not rolled back");

        if (f.Effect is VerifyRoute)
        {
            var failed = r with
            {
                Phase = RolloutPhase.Failed, Reason = $"route check failed before any traffic moved: {f.Error}", FinishedAt = now, UpdatedAt = now, NextDueAt = null, Retry = null,
            };
            fx.Add(Notice(failed, NoticeKind.Failed, $"{r.Id} failed: {failed.Reason}"));
            fx.Add(Audit(failed, "fail", f.By, failed.Reason, r.Phase, RolloutPhase.Failed, now));
            return new Decision(Finish(state, failed, now, fx), fx, Message: failed.Reason);
        }
        if (r.Promoting)
            return PauseFor(state, r with { Retry = null }, PauseCause.Failure, NoticeKind.Failed, f.By, now,
                $"{effect} failed during promotion: {f.Error}; resume to retry or rollback");

        var reason = $"{effect} failed: {f.Error}";
        return new Decision(StopActive(state, r, f.By, reason, now, RolloutPhase.RolledBack, fx), fx, Message: $"{r.Id}: {reason}; rolling back");
    }

    /// <summary>Keeps the rollout where it is and tries <paramref name="f"/>'s effect again after <see cref="RetryDelay"/>
    /// (the step message re-runs the step, or the rollback). The first failure in a row is announced; later ones only
    /// move <see cref="RolloutState.Retry"/> on, which chat, the check run and the API show.</summary>
    private static Decision RetryLater(ServiceState state, RolloutState r, EffectFailed f, DateTimeOffset now, Actor by, string text)
    {
        var attempt = (r.Retry?.Attempt ?? 0) + 1;
        var at = now + RetryDelay(attempt);
        var waiting = r with { Retry = new EffectRetry(f.Effect, f.Error, attempt, at), NextDueAt = at, UpdatedAt = now };
        var fx = new List<Effect>();
        var message = $"{text}; attempt {attempt} failed, next attempt at {Stamp(at)}";
        if (attempt == 1)
        {
            fx.Add(Notice(waiting, NoticeKind.Retrying, message));
            fx.Add(Audit(waiting, r.Phase == RolloutPhase.RollingBack ? "rollback-retry" : "wait-cluster", by, $"{f.Effect.GetType().Name}: {f.Error}", r.Phase, r.Phase, now));
        }
        fx.Add(Schedule(waiting, r.StepIndex, at));
        return new Decision(state with { Active = waiting }, fx, Message: message);
    }

    private static Decision PauseFor(ServiceState state, RolloutState r, PauseCause cause, NoticeKind kind, Actor by, DateTimeOffset now, string reason)
    {
        var paused = r with
        {
            Phase = RolloutPhase.Paused, PausedFrom = r.Phase == RolloutPhase.Paused ? r.PausedFrom : r.Phase, PausedBy = cause,
            Reason = reason, UpdatedAt = now,
        };
        List<Effect> fx =
        [
            Notice(paused, kind, $"{r.Id} paused: {reason}"),
            Audit(paused, cause == PauseCause.Drift ? "drift" : "pause", by, reason, r.Phase, RolloutPhase.Paused, now),
        ];
        return new Decision(state with { Active = paused }, fx, Message: reason);
    }
}

using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Execution;

/// <summary>
/// Runs one input against a service's rollouts: load the state (ETag), finish any effects a previous run committed
/// but did not apply, decide, commit the new state together with its effects (If-Match), apply the effects through
/// the ports, feed observations and failures back into the decision, and commit again with nothing pending.
/// A crash anywhere leaves either the old state or the new state with its effects pending; the next invocation for
/// the service applies them again, which is safe because every effect is idempotent.
/// </summary>
public sealed class RolloutExecutor(
    IRolloutStore store,
    ITrafficRouter router,
    IDeploymentController deployments,
    INotifier notifier,
    IStepScheduler scheduler,
    IAuditLog audit,
    RolloutDecider decide,
    TimeProvider time,
    ExecutorOptions? options = null,
    KeyedLock? locks = null,
    IMetricsSource? metrics = null) : IRolloutRunner
{
    private readonly ExecutorOptions _options = options ?? new ExecutorOptions();
    private readonly KeyedLock _locks = locks ?? new KeyedLock();
    // The last ETag this process loaded or saved per service: a caller's read with another ETag is older (or newer) than
    // what this executor knows, and is read again rather than decided on.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _etags = new(StringComparer.Ordinal);

    /// <summary>Decides <paramref name="input"/> for <paramref name="service"/> and applies what follows.
    /// A refused decision changes nothing and is returned as such. Throws <see cref="ConcurrencyConflictException"/>
    /// when the state kept changing under it for <see cref="ExecutorOptions.MaxConflictRetries"/> attempts, and lets
    /// failures of the bot's own storage (state, schedule, audit) propagate so the invocation is retried.</summary>
    public Task<ExecutionResult> ExecuteAsync(string service, RolloutInput input, CancellationToken ct) => ExecuteAsync(service, input, null, ct);

    /// <summary>As <see cref="ExecuteAsync(string, RolloutInput, CancellationToken)"/>, deciding on <paramref name="seen"/> — the
    /// service's state as the caller read it moments ago, with its ETag — instead of reading it again, when nothing this
    /// executor knows of was committed since (its ETag is the last one this process loaded or saved, or the process knows none).
    /// The commit's If-Match still guards it: had another instance written meanwhile, the save fails and the state is re-read.</summary>
    public async Task<ExecutionResult> ExecuteAsync(string service, RolloutInput input, Versioned<ServiceState>? seen, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentNullException.ThrowIfNull(input);
        using var held = await _locks.AcquireAsync(service, ct).ConfigureAwait(false);
        // One hop: a command that unblocks traffic runs the steps it makes due in this invocation, before its answer.
        var run = new Run { InlineSteps = input is Approve or Resume or Promote };
        if (seen is not null && (seen.Value.Service != service || (_etags.TryGetValue(service, out var known) && known != seen.ETag))) seen = null;

        for (var attempt = 0; attempt <= _options.MaxConflictRetries; attempt++)
        {
            var current = attempt == 0 && seen is not null ? new Snapshot(seen.Value, seen.ETag) : await LoadAsync(service, ct).ConfigureAwait(false);
            if (current.State.Pending.Count > 0)
            {
                var drained = await DrainAsync(current, run, ct).ConfigureAwait(false);
                if (drained is null) continue;
                current = drained;
            }

            var decision = decide(current.State, input, time.GetUtcNow());
            if (!decision.Accepted || (decision.Effects.Count == 0 && Equals(decision.State, current.State)))
                return new ExecutionResult(decision, current.State, run.Applied, run.Notes);

            var next = run.InlineSteps ? WithDueStep(decision) : decision.State with { Pending = decision.Effects };
            string etag;
            try
            {
                etag = await SaveAsync(next, current.ETag, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                run.Notes.Add($"{service}: state changed while deciding {input.GetType().Name}; re-read and re-decided");
                continue;
            }

            var final = await DrainAsync(new Snapshot(next, etag), run, ct).ConfigureAwait(false);
            final ??= await LoadAsync(service, ct).ConfigureAwait(false);
            return new ExecutionResult(decision, final.State, run.Applied, run.Notes, run.Finished);
        }

        throw new ConcurrencyConflictException(
            $"{service}: the state changed {_options.MaxConflictRetries + 1} times while deciding {input.GetType().Name}; try again");
    }

    /// <summary>One hop: the step a command makes due now is decided with it (pure), so the first commit already holds that
    /// step's traffic write and the write is the first thing applied. The step message the decision scheduled is replaced by
    /// the step's own effects; anything refused or not due stays as decided.</summary>
    private ServiceState WithDueStep(Decision decision)
    {
        var now = time.GetUtcNow();
        if (decision.State.Active is not { } active
            || decision.Effects.OfType<ScheduleStep>().FirstOrDefault(e => e.RolloutId == active.Id && e.StepIndex == active.StepIndex && e.At <= now
                && e.AnalysisRound is null) is not { } due)
            return decision.State with { Pending = decision.Effects };
        var step = decide(decision.State, new StepDue(due.RolloutId, due.StepIndex) { By = Actor.Timer }, now);
        if (!step.Accepted) return decision.State with { Pending = decision.Effects };
        return step.State with { Pending = [.. decision.Effects.Where(e => !ReferenceEquals(e, due)), .. step.Effects] };
    }

    /// <summary>Applies effects left pending by an interrupted run, if any. Used by the sweep.</summary>
    public async Task<ExecutionResult?> ReconcileAsync(string service, CancellationToken ct)
    {
        using var held = await _locks.AcquireAsync(service, ct).ConfigureAwait(false);
        var run = new Run();
        var current = await LoadAsync(service, ct).ConfigureAwait(false);
        if (current.State.Pending.Count == 0) return null;
        var drained = await DrainAsync(current, run, ct).ConfigureAwait(false) ?? await LoadAsync(service, ct).ConfigureAwait(false);
        var noop = new Decision(drained.State, []);
        return new ExecutionResult(noop, drained.State, run.Applied, run.Notes);
    }

    private async Task<Snapshot> LoadAsync(string service, CancellationToken ct)
    {
        var snapshot = await store.GetAsync(service, ct).ConfigureAwait(false) is { } stored
            ? new Snapshot(stored.Value, stored.ETag)
            : new Snapshot(ServiceState.Empty(service), null);
        _etags[service] = snapshot.ETag;
        return snapshot;
    }

    private async Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct)
    {
        var saved = await store.SaveAsync(state, etag, ct).ConfigureAwait(false);
        _etags[state.Service] = saved;
        return saved;
    }

    /// <summary>Applies the pending effects, decides the feedback they produced, and repeats until nothing is
    /// pending. Returns null when another writer changed the state meanwhile (it now owns what is pending).</summary>
    private async Task<Snapshot?> DrainAsync(Snapshot current, Run run, CancellationToken ct)
    {
        var state = current.State;
        var etag = current.ETag;
        for (var round = 0; state.Pending.Count > 0; round++)
        {
            // Past the bound a due step is enqueued as before instead of running inline.
            var feedback = await ApplyAsync(state, inlineSteps: run.InlineSteps && round < _options.MaxFeedbackRounds, run, ct).ConfigureAwait(false);
            await ArchiveAsync(state, run, ct).ConfigureAwait(false);

            var next = state with { Pending = [] };
            var effects = new List<Effect>();
            // Past the bound no step runs inline, so what remains is what the cluster said about writes already made
            // (accepted, failed): still decided, or the state would disagree with the cluster. Twice the bound stops a loop.
            if (round < 2 * _options.MaxFeedbackRounds)
            {
                foreach (var input in feedback)
                {
                    var d = decide(next, input, time.GetUtcNow());
                    if (!d.Accepted)
                    {
                        run.Notes.Add($"{state.Service}: {Describe(input)} refused: {d.Refused!.Message}");
                        continue;
                    }
                    // A rollout that ended in this call (a rollback the cluster took, a route check that failed): the answer
                    // says how it ended, not only that it began.
                    if (next.Active is { } was && d.State.Active?.Id != was.Id && d.State.LastFinished is { } ended && ended.Id == was.Id)
                        run.Finished = ended.Phase == RolloutPhase.Failed ? $"{ended.Id} failed: {ended.Reason}" : d.Message ?? run.Finished;
                    next = d.State;
                    effects.AddRange(d.Effects);
                }
            }
            else if (feedback.Count > 0)
            {
                run.Notes.Add($"{state.Service}: stopped after {round} feedback rounds; dropped {feedback.Count} observation(s), the next step message re-checks");
            }
            next = next with { Pending = effects };

            try
            {
                etag = await SaveAsync(next, etag, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                run.Notes.Add($"{state.Service}: state changed while applying effects; the newer writer applies its own");
                return null;
            }
            state = next;
        }
        return new Snapshot(state, etag);
    }

    /// <summary>Copies the committed rollouts to the archive, at the same time; a copy this run already wrote (the same
    /// instance, as when the last finished rollout is left alone) is not written again.</summary>
    private async Task ArchiveAsync(ServiceState state, Run run, CancellationToken ct)
    {
        var writes = new List<Task>(2);
        foreach (var rollout in new[] { state.Active, state.LastFinished })
            if (rollout is not null && !run.Archived.Any(a => ReferenceEquals(a, rollout)))
            {
                run.Archived.Add(rollout);
                writes.Add(store.ArchiveAsync(rollout, ct));
            }
        await Task.WhenAll(writes).ConfigureAwait(false);
    }

    /// <summary>Applies effects, traffic writes first, the rest in the order decided. An external failure (router, deployments) becomes an <see cref="EffectFailed"/>
    /// (transient or not: <see cref="TransientFailures"/>) and skips that rollout's effects decided after it, notices and audit
    /// included: they were written for a change the cluster did not take, and the decision on the failure says what
    /// happened instead. A traffic write the cluster accepted becomes a <see cref="TrafficApplied"/>. A traffic write the router
    /// refused as older than the route's (<see cref="TrafficWriteOutcome.Stale"/>) is noted, fed back as <see cref="TrafficFenced"/>,
    /// and skips the rest: a newer writer owns the route and applies (or applied) these effects itself. With
    /// <paramref name="inlineSteps"/>, a <see cref="ScheduleStep"/> of the service due now becomes a <see cref="StepDue"/> decided in
    /// this invocation (one hop from a command to traffic); it stays committed as pending until then, so a crash re-applies it.
    /// The bot's own storage failing propagates: schedule, audit, and notices, which only go on the notifications outbox
    /// queue here (Slack and GitHub are called by its own function, never inside this lock).</summary>
    private async Task<List<RolloutInput>> ApplyAsync(ServiceState state, bool inlineSteps, Run run, CancellationToken ct)
    {
        var feedback = new List<RolloutInput>();
        // Rollout id -> position (as decided) of its effect that failed: what was decided after it is void.
        var failed = new Dictionary<string, int>(StringComparer.Ordinal);
        int? fencedAt = null;
        // Traffic first: traffic writes go out before the notices, audit and step messages decided with them (their own order kept).
        var order = Enumerable.Range(0, state.Pending.Count).OrderBy(i => IsTraffic(state.Pending[i]) ? 0 : 1).ToList();
        foreach (var index in order)
        {
            var effect = state.Pending[index];
            if (fencedAt < index)
            {
                run.Notes.Add($"{effect.RolloutId}: skipped {effect.GetType().Name} after a stale traffic write; the newer writer applies it");
                continue;
            }
            if (failed.TryGetValue(effect.RolloutId, out var at) && at < index)
            {
                run.Notes.Add($"{effect.RolloutId}: skipped {effect.GetType().Name} after an earlier effect failed");
                continue;
            }
            try
            {
                if (effect is MeasureCanary measure)
                {
                    feedback.Add(await MeasureAsync(state, measure, ct).ConfigureAwait(false));
                    run.Applied.Add(effect);
                    continue;
                }
                if (inlineSteps && effect is ScheduleStep { AnalysisRound: null } due && due.Service == state.Service && due.At <= time.GetUtcNow()
                    && state.Active?.Id == due.RolloutId)
                {
                    feedback.Add(new StepDue(due.RolloutId, due.StepIndex) { By = Actor.Timer });
                    run.Applied.Add(effect);
                    continue;
                }
                var observed = await ApplyOneAsync(effect, ct).ConfigureAwait(false);
                if (observed is TrafficFenced stale)
                {
                    fencedAt ??= index;
                    run.Notes.Add($"{effect.RolloutId}: stale traffic write dropped: {effect.GetType().Name} sequence "
                        + $"{RolloutMachine.FenceOf(effect)?.Sequence} is older than the route's {stale.LiveSequence}; a newer write is in place");
                }
                if (observed is not null) feedback.Add(observed);
                if (observed is not TrafficFenced) run.Applied.Add(effect);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (TrafficDriftException ex)
            {
                failed.TryAdd(effect.RolloutId, index);
                run.Notes.Add($"{effect.RolloutId}: drift: {ex.Message}");
                feedback.Add(new EffectFailed(effect.RolloutId, effect, ex.Message, IsDrift: true) { By = Actor.System });
            }
            catch (Exception ex) when (effect is not (ScheduleStep or AuditEntry or Notify))
            {
                failed.TryAdd(effect.RolloutId, index);
                var transient = TransientFailures.Is(ex, ct);
                run.Notes.Add($"{effect.RolloutId}: {effect.GetType().Name} failed{(transient ? " (transient)" : "")}: {ex.Message}");
                feedback.Add(new EffectFailed(effect.RolloutId, effect, ex.Message, IsTransient: transient) { By = Actor.System });
            }
        }
        return feedback;
    }

    private async Task<RolloutInput?> ApplyOneAsync(Effect effect, CancellationToken ct)
    {
        switch (effect)
        {
            case VerifyRoute e: await router.VerifyAsync(e.Target, ct).ConfigureAwait(false); return Accepted(e);
            case SetTraffic e: return Outcome(e, await router.SetWeightAsync(e.Target, e.CanaryWeight, e.Fence, ct).ConfigureAwait(false));
            case SetHeaderRoute e: return Outcome(e, await router.SetHeaderRouteAsync(e.Target, e.Match, e.Fence, ct).ConfigureAwait(false));
            case SetMirror e: return Outcome(e, await router.SetMirrorAsync(e.Target, e.Percent, e.Fence, ct).ConfigureAwait(false));
            case RollbackTraffic e: return Outcome(e, await router.RollbackAsync(e.Target, e.Fence, ct).ConfigureAwait(false));
            case SetCanaryImage e: await deployments.SetCanaryImageAsync(e.Target, e.Image, ct).ConfigureAwait(false); break;
            case SetStableImage e: await deployments.SetStableImageAsync(e.Target, e.Image, ct).ConfigureAwait(false); break;
            case ScaleCanary e: await deployments.ScaleCanaryAsync(e.Target, e.Replicas, ct).ConfigureAwait(false); break;
            case CheckDeployment e:
                var readiness = e.Role == DeploymentRole.Canary
                    ? await deployments.GetCanaryReadinessAsync(e.Target, ct).ConfigureAwait(false)
                    : await deployments.GetStableReadinessAsync(e.Target, ct).ConfigureAwait(false);
                return new DeploymentObserved(e.RolloutId, e.StepIndex, e.Role, readiness.State, readiness.Message) { By = Actor.System };
            case SetFault e: return Outcome(e, await router.SetFaultAsync(e.Target, e.Fault, e.Fence, ct).ConfigureAwait(false));
            case ScheduleStep e:
                await scheduler.ScheduleAsync(new StepMessage(e.Service, e.RolloutId, e.StepIndex, e.AnalysisRound), e.At, ct).ConfigureAwait(false);
                break;
            case Notify e: await notifier.PublishAsync(e, ct).ConfigureAwait(false); break;
            case AuditEntry e: await audit.AppendAsync(e, ct).ConfigureAwait(false); break;
            default: throw new NotSupportedException($"no executor case for effect {effect.GetType().Name}");
        }
        return null;
    }

    private static bool IsTraffic(Effect e) => e is VerifyRoute or SetTraffic or SetHeaderRoute or SetMirror or SetFault or RollbackTraffic;

    /// <summary>Measures the active rollout's analysis at the injected clock's now. The source failing (unreachable, a bad answer,
    /// a timeout) is fed back as the round's error, never thrown: the decision counts it against the error limit.</summary>
    private async Task<AnalysisMeasured> MeasureAsync(ServiceState state, MeasureCanary effect, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        if (state.Active is not { Config.Analysis: { } analysis } r || r.Id != effect.RolloutId)
            return new AnalysisMeasured(effect.RolloutId, effect.Round, at, null, "the rollout is no longer active") { By = Actor.System };
        if (metrics is null)
            return new AnalysisMeasured(r.Id, effect.Round, at, null, "no metrics source is registered (AddAnalysis)") { By = Actor.System };
        try
        {
            var observed = await metrics.MeasureAsync(r.Config, analysis, at, ct).ConfigureAwait(false);
            return new AnalysisMeasured(r.Id, effect.Round, at, observed) { By = Actor.System };
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return new AnalysisMeasured(r.Id, effect.Round, at, null, e.Message) { By = Actor.System };
        }
    }

    /// <summary>The cluster took a traffic write: the decision on it marks the step done (or the rollback finished).</summary>
    private static TrafficApplied Accepted(Effect e) => new(e.RolloutId, e) { By = Actor.System };

    /// <summary>A fenced write either took effect (<see cref="TrafficApplied"/>) or was refused as older than the route's.</summary>
    private static RolloutInput Outcome(Effect effect, TrafficWriteResult result) =>
        result.IsStale ? new TrafficFenced(effect.RolloutId, effect, result.LiveSequence) { By = Actor.System } : Accepted(effect);

    private static string Describe(RolloutInput input) => input switch
    {
        TrafficFenced f => $"stale {f.Effect.GetType().Name}",
        EffectFailed f => $"failure of {f.Effect.GetType().Name}",
        DeploymentObserved o => $"{o.Role} readiness {o.State}",
        _ => input.GetType().Name,
    };

    /// <summary>A read of the service state; a null ETag means the row does not exist yet.</summary>
    private sealed record Snapshot(ServiceState State, string? ETag);

    private sealed class Run
    {
        public List<Effect> Applied { get; } = [];
        public List<string> Notes { get; } = [];
        /// <summary>Steps due now run inline (Approve, Resume, Promote) instead of going through the step queue.</summary>
        public bool InlineSteps { get; init; }
        /// <summary>How a rollback applied in this call ended (<see cref="ExecutionResult.Message"/>).</summary>
        public string? Finished { get; set; }
        /// <summary>Rollout copies this run wrote to the archive.</summary>
        public List<RolloutState> Archived { get; } = [];
    }
}

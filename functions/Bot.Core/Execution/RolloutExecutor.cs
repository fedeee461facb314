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
    KeyedLock? locks = null)
{
    private readonly ExecutorOptions _options = options ?? new ExecutorOptions();
    private readonly KeyedLock _locks = locks ?? new KeyedLock();

    /// <summary>Decides <paramref name="input"/> for <paramref name="service"/> and applies what follows.
    /// A refused decision changes nothing and is returned as such. Throws <see cref="ConcurrencyConflictException"/>
    /// when the state kept changing under it for <see cref="ExecutorOptions.MaxConflictRetries"/> attempts, and lets
    /// failures of the bot's own storage (state, schedule, audit) propagate so the invocation is retried.</summary>
    public async Task<ExecutionResult> ExecuteAsync(string service, RolloutInput input, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        ArgumentNullException.ThrowIfNull(input);
        using var held = await _locks.AcquireAsync(service, ct).ConfigureAwait(false);
        var run = new Run();

        for (var attempt = 0; attempt <= _options.MaxConflictRetries; attempt++)
        {
            var current = await LoadAsync(service, ct).ConfigureAwait(false);
            if (current.State.Pending.Count > 0)
            {
                var drained = await DrainAsync(current, run, ct).ConfigureAwait(false);
                if (drained is null) continue;
                current = drained;
            }

            var decision = decide(current.State, input, time.GetUtcNow());
            if (!decision.Accepted || (decision.Effects.Count == 0 && Equals(decision.State, current.State)))
                return new ExecutionResult(decision, current.State, run.Applied, run.Notes);

            var next = decision.State with { Pending = decision.Effects };
            string etag;
            try
            {
                etag = await store.SaveAsync(next, current.ETag, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyConflictException)
            {
                run.Notes.Add($"{service}: state changed while deciding {input.GetType().Name}; re-read and re-decided");
                continue;
            }

            var final = await DrainAsync(new Snapshot(next, etag), run, ct).ConfigureAwait(false);
            final ??= await LoadAsync(service, ct).ConfigureAwait(false);
            return new ExecutionResult(decision, final.State, run.Applied, run.Notes);
        }

        throw new ConcurrencyConflictException(
            $"{service}: the state changed {_options.MaxConflictRetries + 1} times while deciding {input.GetType().Name}; try again");
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

    private async Task<Snapshot> LoadAsync(string service, CancellationToken ct) =>
        await store.GetAsync(service, ct).ConfigureAwait(false) is { } stored
            ? new Snapshot(stored.Value, stored.ETag)
            : new Snapshot(ServiceState.Empty(service), null);

    /// <summary>Applies the pending effects, decides the feedback they produced, and repeats until nothing is
    /// pending. Returns null when another writer changed the state meanwhile (it now owns what is pending).</summary>
    private async Task<Snapshot?> DrainAsync(Snapshot current, Run run, CancellationToken ct)
    {
        var state = current.State;
        var etag = current.ETag;
        for (var round = 0; state.Pending.Count > 0; round++)
        {
            var feedback = await ApplyAsync(state.Pending, run, ct).ConfigureAwait(false);
            await ArchiveAsync(state, ct).ConfigureAwait(false);

            var next = state with { Pending = [] };
            var effects = new List<Effect>();
            if (round < _options.MaxFeedbackRounds)
            {
                foreach (var input in feedback)
                {
                    var d = decide(next, input, time.GetUtcNow());
                    if (!d.Accepted)
                    {
                        run.Notes.Add($"{state.Service}: {Describe(input)} refused: {d.Refused!.Message}");
                        continue;
                    }
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
                etag = await store.SaveAsync(next, etag, ct).ConfigureAwait(false);
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

    private async Task ArchiveAsync(ServiceState state, CancellationToken ct)
    {
        if (state.Active is { } active) await store.ArchiveAsync(active, ct).ConfigureAwait(false);
        if (state.LastFinished is { } finished) await store.ArchiveAsync(finished, ct).ConfigureAwait(false);
    }

    /// <summary>Applies effects in order. An external failure (router, deployments) becomes an
    /// <see cref="EffectFailed"/> and skips the remaining external effects (audit and notices still go out);
    /// the bot's own storage failing propagates: schedule, audit, and notices, which only go on the notifications
    /// outbox queue here (Slack and GitHub are called by its own function, never inside this lock).</summary>
    private async Task<List<RolloutInput>> ApplyAsync(IReadOnlyList<Effect> effects, Run run, CancellationToken ct)
    {
        var feedback = new List<RolloutInput>();
        var failed = false;
        foreach (var effect in effects)
        {
            if (failed && effect is not (AuditEntry or Notify))
            {
                run.Notes.Add($"{effect.RolloutId}: skipped {effect.GetType().Name} after an earlier effect failed");
                continue;
            }
            try
            {
                if (await ApplyOneAsync(effect, ct).ConfigureAwait(false) is { } observed) feedback.Add(observed);
                run.Applied.Add(effect);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (TrafficDriftException ex)
            {
                failed = true;
                run.Notes.Add($"{effect.RolloutId}: drift: {ex.Message}");
                feedback.Add(new EffectFailed(effect.RolloutId, effect, ex.Message, IsDrift: true) { By = Actor.System });
            }
            catch (Exception ex) when (effect is not (ScheduleStep or AuditEntry or Notify))
            {
                failed = true;
                run.Notes.Add($"{effect.RolloutId}: {effect.GetType().Name} failed: {ex.Message}");
                feedback.Add(new EffectFailed(effect.RolloutId, effect, ex.Message) { By = Actor.System });
            }
        }
        return feedback;
    }

    private async Task<RolloutInput?> ApplyOneAsync(Effect effect, CancellationToken ct)
    {
        switch (effect)
        {
            case VerifyRoute e: await router.VerifyAsync(e.Target, ct).ConfigureAwait(false); break;
            case SetTraffic e: await router.SetWeightAsync(e.Target, e.CanaryWeight, ct).ConfigureAwait(false); break;
            case SetHeaderRoute e: await router.SetHeaderRouteAsync(e.Target, e.Match, ct).ConfigureAwait(false); break;
            case SetMirror e: await router.SetMirrorAsync(e.Target, e.Percent, ct).ConfigureAwait(false); break;
            case RollbackTraffic e: await router.RollbackAsync(e.Target, ct).ConfigureAwait(false); break;
            case SetCanaryImage e: await deployments.SetCanaryImageAsync(e.Target, e.Image, ct).ConfigureAwait(false); break;
            case SetStableImage e: await deployments.SetStableImageAsync(e.Target, e.Image, ct).ConfigureAwait(false); break;
            case ScaleCanary e: await deployments.ScaleCanaryAsync(e.Target, e.Replicas, ct).ConfigureAwait(false); break;
            case CheckDeployment e:
                var readiness = e.Role == DeploymentRole.Canary
                    ? await deployments.GetCanaryReadinessAsync(e.Target, ct).ConfigureAwait(false)
                    : await deployments.GetStableReadinessAsync(e.Target, ct).ConfigureAwait(false);
                return new DeploymentObserved(e.RolloutId, e.StepIndex, e.Role, readiness.State, readiness.Message) { By = Actor.System };
            case ScheduleStep e:
                await scheduler.ScheduleAsync(new StepMessage(e.Service, e.RolloutId, e.StepIndex), e.At, ct).ConfigureAwait(false);
                break;
            case Notify e: await notifier.PublishAsync(e, ct).ConfigureAwait(false); break;
            case AuditEntry e: await audit.AppendAsync(e, ct).ConfigureAwait(false); break;
            default: throw new NotSupportedException($"no executor case for effect {effect.GetType().Name}");
        }
        return null;
    }

    private static string Describe(RolloutInput input) => input switch
    {
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
    }
}

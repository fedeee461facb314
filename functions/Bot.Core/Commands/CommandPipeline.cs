using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Policies;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Core.Commands;

/// <summary>
/// The one command path of every surface (Slack commands and buttons, PR comments, check-run buttons, the command API, the
/// CI webhook, the GitHub triggers): resolve the service and the rollout the command is bound to → authorize with the
/// surface's membership resolver (<see cref="Authorizer"/>) → build the engine input → execute (<see cref="IRolloutRunner"/>)
/// → a typed <see cref="CommandOutcome"/> the surface words. Every refusal, whoever refuses (binding, authorization, the
/// engine), changes nothing and is recorded as one refused-attempt audit record: who, what, from which surface, why.
/// Reads (status, history, help) are the surfaces' own; they change nothing.
/// </summary>
public sealed class CommandPipeline(
    IRolloutStore store, IRolloutRunner rollouts, IReleaseConfigs configs, IAuditLog audit, TimeProvider time,
    IFreezeControl? freezes = null, ITrafficRestore? restore = null)
{
    /// <summary>The audit action of a refused attempt at <paramref name="verb"/>: <c>approve-refused</c>.</summary>
    public static string RefusedAction(string verb) => verb + "-refused";

    /// <summary>Runs <paramref name="request"/>; <paramref name="membership"/> resolves the surface's groups (Slack user
    /// groups, GitHub teams). Storage failures and a state that keeps changing (<see cref="ConcurrencyConflictException"/>)
    /// propagate, so the surface's retry (queue, HTTP 503) runs the same bound command again.</summary>
    public Task<CommandOutcome> RunAsync(CommandRequest request, IMembershipResolver membership, CancellationToken ct)
    {
        var authorizer = new Authorizer(membership);
        if (request.ReceivedAt is null) request = request with { ReceivedAt = time.GetUtcNow() };
        return request.Command switch
        {
            DeployCommand d => DeployAsync(d, request, authorizer, ct),
            RolloutCommand c => ActAsync(c, request, authorizer, ct),
            FreezeCommand or UnfreezeCommand => FreezeAsync(request, authorizer, ct),
            RestoreCommand r => RestoreAsync(r, request, authorizer, ct),
            _ => throw new ArgumentException($"/release {request.Command.Verb} only reads; the surface answers it", nameof(request)),
        };
    }

    private async Task<CommandOutcome> DeployAsync(DeployCommand d, CommandRequest request, Authorizer authorizer, CancellationToken ct)
    {
        if ((request.Config ?? await configs.FindAsync(d.Service, ct).ConfigureAwait(false)) is not { } config)
            return Unknown(d.Service);
        if (!request.Triggered)
        {
            var verdict = await authorizer.AuthorizeAsync(config, request.By, ReleaseAction.Deploy, null, ct).ConfigureAwait(false);
            if (!verdict.Allowed) return await RefuseAsync(request, d.Service, null, RefusalKind.Forbidden, verdict.Message, ct).ConfigureAwait(false);
        }
        var input = new StartRollout(d.Version, config)
        {
            By = request.By,
            Reason = request.Reason,
            Source = request.Source is { Repository: not null } source ? source : (request.Source ?? new()) with { Repository = config.GitHubRepo },
            Delivery = request.Delivery,
        };
        var result = await rollouts.ExecuteAsync(d.Service, input, ct).ConfigureAwait(false);
        if (result.Decision.Refused is { } refused)
            return await RefuseAsync(request, d.Service, result.State.Active, refused.Kind, refused.Message, ct).ConfigureAwait(false);
        return new CommandOutcome(d.Service, null, result.Message ?? $"rollout of {d.Service} {d.Version} started")
        {
            Rollout = result.Rollout, Execution = result,
        };
    }

    private async Task<CommandOutcome> ActAsync(RolloutCommand command, CommandRequest request, Authorizer authorizer, CancellationToken ct)
    {
        var service = command.Service;
        // The one read of the command (the surface's, when it read at intake): binding, authorization and (unless this
        // process committed since) the decision use it.
        var read = request.Seen is { } seen && seen.Value.Service == service ? seen : await store.GetAsync(service, ct).ConfigureAwait(false);
        var state = read?.Value;
        var active = state?.Active;
        var (id, step, revision, stale) = Bind(command, request.Binding, active);
        if (stale is not null) return await RefuseAsync(request, service, active, RefusalKind.Conflict, stale, ct).ConfigureAwait(false);
        var target = id is null ? null
            : Same(active, id) ?? Same(state?.LastFinished, id) ?? await store.FindAsync(id, ct).ConfigureAwait(false);
        if (target is null)
        {
            if (state is null && await configs.FindAsync(service, ct).ConfigureAwait(false) is null)
                return id is null ? Unknown(service) : new CommandOutcome(service, new Refusal(RefusalKind.NotFound, $"no rollout '{id}'"), $"no rollout '{id}'");
            return id is null
                ? await RefuseAsync(request, service, null, RefusalKind.Conflict, $"{service} has no rollout in progress; nothing to {command.Verb}", ct).ConfigureAwait(false)
                : await RefuseAsync(request, service, null, RefusalKind.NotFound, $"no rollout '{id}'", ct).ConfigureAwait(false);
        }

        var verdict = await authorizer.AuthorizeAsync(target.Config, request.By, command.Action, target, ct).ConfigureAwait(false);
        if (!verdict.Allowed) return await RefuseAsync(request, service, target, RefusalKind.Forbidden, verdict.Message, ct).ConfigureAwait(false);

        var input = InputFor(command, target.Id, step, revision, request);
        var result = await rollouts.ExecuteAsync(service, input, read, ct).ConfigureAwait(false);
        if (result.Decision.Refused is { } refused)
            return await RefuseAsync(request, service, target, refused.Kind, refused.Message, ct).ConfigureAwait(false);
        var after = Same(result.State.Active, target.Id) ?? Same(result.State.LastFinished, target.Id) ?? target;
        return new CommandOutcome(service, null, result.Message ?? $"{command.Verb} {service} {target.Version}: {PhaseText(after.Phase)}")
        {
            Rollout = after, Execution = result,
        };
    }

    /// <summary>
    /// The rollout a rollout command acts on (pure): the one it names, else the one its delivery was bound to at intake
    /// (with the step and revision seen, which bind an approval), else — unbound, e.g. a CLI call naming only the service —
    /// the active one. <c>Stale</c> says why it does nothing: it was bound when no rollout was active and one started since.
    /// A named or bound rollout that is no longer the active one goes to the engine, whose refusal says which is current.
    /// </summary>
    public static (string? RolloutId, int? StepIndex, int? Revision, string? Stale) Bind(RolloutCommand command, CommandBinding? binding, RolloutState? active)
    {
        if (command.RolloutId is { } named) return (named, null, null, null);
        if (binding is null || !string.Equals(binding.Service, command.Service, StringComparison.Ordinal)) return (active?.Id, null, null, null);
        if (binding.RolloutId is null)
            return active is null ? (null, null, null, null)
                : (null, null, null, $"this command was sent before {active.Id} ({command.Service} {active.Version}) started, so it does not act on it; "
                                     + $"send the command again to {command.Verb} {active.Id}");
        return (binding.RolloutId, binding.StepIndex, binding.Revision, null);
    }

    /// <summary>The engine input for a rollout command (pure): bound to <paramref name="rolloutId"/> and, for approve, the
    /// step and revision the person saw.</summary>
    public static RolloutInput InputFor(RolloutCommand command, string rolloutId, int? stepIndex, int? revision, CommandRequest request)
    {
        var by = request.By;
        RolloutInput input = command switch
        {
            ApproveCommand => new Approve(rolloutId, stepIndex, revision) { By = by },
            RollbackCommand rb => new Rollback(rolloutId) { By = by, Reason = rb.Reason },
            PauseCommand => new Pause(rolloutId) { By = by },
            ResumeCommand => new Resume(rolloutId) { By = by },
            PromoteCommand => new Promote(rolloutId) { By = by },
            AbortCommand => new Abort(rolloutId) { By = by },
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.Verb, "not a rollout command"),
        };
        return input with { Reason = input.Reason ?? request.Reason, ReceivedAt = request.ReceivedAt, Delivery = request.Delivery };
    }

    /// <summary>freeze/unfreeze: a service's freeze needs that service's rights for the action; <c>all</c> needs them on every service.</summary>
    private async Task<CommandOutcome> FreezeAsync(CommandRequest request, Authorizer authorizer, CancellationToken ct)
    {
        var command = request.Command;
        var service = command switch { FreezeCommand f => f.Service, UnfreezeCommand u => u.Service, _ => null };
        var scopeName = service ?? Freeze.AllServices;
        IReadOnlyList<ReleaseConfig> scope = service is null
            ? await configs.ListAsync(ct).ConfigureAwait(false)
            : await configs.FindAsync(service, ct).ConfigureAwait(false) is { } one ? [one] : [];
        if (service is not null && scope.Count == 0) return Unknown(service);
        foreach (var config in scope)
        {
            var verdict = await authorizer.AuthorizeAsync(config, request.By, command.Action, null, ct).ConfigureAwait(false);
            if (!verdict.Allowed) return await RefuseAsync(request, config.Service, null, RefusalKind.Forbidden, verdict.Message, ct).ConfigureAwait(false);
        }
        if (freezes is null)
            return new CommandOutcome(scopeName, new Refusal(RefusalKind.Conflict, FreezeUnavailable), FreezeUnavailable);

        if (command is FreezeCommand fc)
        {
            var freeze = await freezes.FreezeAsync(scopeName, fc.Duration, fc.Reason, request.By, ct).ConfigureAwait(false);
            return new CommandOutcome(scopeName, null,
                $"{Capitalized(freeze.Describe())}. Steps that raise traffic or promote wait; rollback and pause still work."
                + (freeze.Until is null ? $" Lift it with `unfreeze {freeze.Scope}`." : "")) { Freeze = freeze };
        }
        var was = await freezes.UnfreezeAsync(scopeName, ct).ConfigureAwait(false);
        return new CommandOutcome(scopeName, null, was is null
            ? $"{scopeName} is not frozen; nothing changed."
            : $"Unfrozen {scopeName} (was {was.Describe()}). Held steps run within a minute.") { Freeze = was };
    }

    /// <summary>What freeze/unfreeze answer when the host runs without the freeze service.</summary>
    public const string FreezeUnavailable = "Freezes cannot be set here: this bot runs without the freeze service";

    private async Task<CommandOutcome> RestoreAsync(RestoreCommand command, CommandRequest request, Authorizer authorizer, CancellationToken ct)
    {
        if (await configs.FindAsync(command.Service, ct).ConfigureAwait(false) is not { } config) return Unknown(command.Service);
        var active = (await store.GetAsync(command.Service, ct).ConfigureAwait(false))?.Value.Active;
        var verdict = await authorizer.AuthorizeAsync(config, request.By, ReleaseAction.Restore, active, ct).ConfigureAwait(false);
        if (!verdict.Allowed) return await RefuseAsync(request, command.Service, active, RefusalKind.Forbidden, verdict.Message, ct).ConfigureAwait(false);
        if (restore is null)
            return await RefuseAsync(request, command.Service, active, RefusalKind.Conflict,
                "this bot's traffic router cannot read routes, so restore is off; return the traffic with kubectl", ct).ConfigureAwait(false);
        var outcome = await restore.RestoreAsync(config, request.By, command.Reason ?? request.Reason, ct).ConfigureAwait(false);
        if (outcome.Refused is { } refused)
            return await RefuseAsync(request, command.Service, active, refused.Kind, refused.Message, ct).ConfigureAwait(false);
        return new CommandOutcome(command.Service, null, outcome.Message) { Restored = outcome.Restored };
    }

    /// <summary>A refusal the surface decided before the pipeline (e.g. GitHub's repository permission): recorded like the
    /// pipeline's own, on the service (and rollout) the request is bound to.</summary>
    public Task<CommandOutcome> RefuseAsync(CommandRequest request, RefusalKind kind, string why, CancellationToken ct)
    {
        var service = request.Binding?.Service ?? request.Command switch
        {
            RolloutCommand c => c.Service, DeployCommand d => d.Service, RestoreCommand r => r.Service,
            FreezeCommand f => f.Service ?? Freeze.AllServices, UnfreezeCommand u => u.Service ?? Freeze.AllServices, _ => "",
        };
        var rolloutId = (request.Command as RolloutCommand)?.RolloutId ?? request.Binding?.RolloutId;
        return RefuseAsync(request, service, rolloutId, RolloutPhase.Pending, kind, why, ct);
    }

    /// <summary>Records the refused attempt (who, what, surface, why) and returns the refusal. Only the audit table is
    /// written: the service state, its ETag and the traffic stay as they were.</summary>
    private async Task<CommandOutcome> RefuseAsync(CommandRequest request, string service, RolloutState? rollout, RefusalKind kind, string why,
        CancellationToken ct)
    {
        var outcome = await RefuseAsync(request, service, rollout?.Id, rollout?.Phase ?? RolloutPhase.Pending, kind, why, ct).ConfigureAwait(false);
        return outcome with { Rollout = rollout };
    }

    private async Task<CommandOutcome> RefuseAsync(CommandRequest request, string service, string? rolloutId, RolloutPhase phase,
        RefusalKind kind, string why, CancellationToken ct)
    {
        var entry = new AuditEntry(service, RefusedAction(request.Command.Verb), request.By, why, phase, phase, time.GetUtcNow())
        {
            RolloutId = rolloutId ?? "",
        };
        await audit.AppendAsync(entry, ct).ConfigureAwait(false);
        return new CommandOutcome(service, new Refusal(kind, why), why);
    }

    private static CommandOutcome Unknown(string service)
    {
        var why = $"service '{service}' has no release config in the central config folder (ReleaseConfig:Directory)";
        return new CommandOutcome(service, new Refusal(RefusalKind.NotFound, why), why);
    }

    private static RolloutState? Same(RolloutState? r, string id) => r is not null && r.Id == id ? r : null;

    private static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>A phase as people read it: "waiting for approval", "rolled back".</summary>
    public static string PhaseText(RolloutPhase p) => p switch
    {
        RolloutPhase.WaitingApproval => "waiting for approval",
        RolloutPhase.RolledBack => "rolled back",
        RolloutPhase.RollingBack => "rolling back",
        _ => p.ToString().ToLowerInvariant(),
    };
}

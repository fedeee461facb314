using Bot.Core.Rollouts;

namespace Bot.Core.Commands;

/// <summary>
/// The rollout a command was bound to when its delivery was accepted (at intake, before it was queued): the service's
/// active rollout then, with its revision and step, or none. Work that is retried later acts on that rollout or does
/// nothing, so a command never lands on a rollout that started after it was sent.
/// </summary>
/// <param name="Service">The service the command acts on.</param>
/// <param name="RolloutId">The rollout active at intake; null when none was.</param>
/// <param name="Revision">Its revision at intake (approvals are bound to it).</param>
/// <param name="StepIndex">Its step at intake (approvals are bound to it).</param>
public sealed record CommandBinding(string Service, string? RolloutId, int? Revision = null, int? StepIndex = null)
{
    /// <summary>What <paramref name="active"/> (the service's active rollout at intake, or null) binds a command on <paramref name="service"/> to.</summary>
    public static CommandBinding To(string service, RolloutState? active) => new(service, active?.Id, active?.Revision, active?.StepIndex);

    /// <summary>The binding when the intake could not read the state (the service was only known later): the active
    /// rollout if it started at or before <paramref name="acceptedAt"/>, else none (it started after the command).</summary>
    public static CommandBinding AsOf(string service, RolloutState active, DateTimeOffset acceptedAt) =>
        To(service, active.CreatedAt <= acceptedAt ? active : null);

    /// <summary>The binding a parsed command needs at intake: the service to read for a <see cref="RolloutCommand"/> that
    /// names no rollout; null for commands that act on no rollout or name their rollout themselves.</summary>
    public static string? ServiceToBind(ReleaseCommand command) =>
        command is RolloutCommand { RolloutId: null } rc ? rc.Service : null;

    /// <summary>
    /// The input <paramref name="command"/> runs as, bound to <paramref name="binding"/> (the command's own rollout id
    /// wins, then the binding, then — unbound, e.g. from the command API — the active rollout), or the sentence saying
    /// why it does nothing. A rollout id that is no longer the active one goes to the engine, whose refusal says which
    /// rollout is current.
    /// </summary>
    public static (RolloutInput? Input, string? Refusal) Input(RolloutCommand command, CommandBinding? binding, RolloutState active,
        Actor by, string? defaultReason)
    {
        string id;
        int? step = null, revision = null;
        if (command.RolloutId is { } named) id = named;
        else if (binding is not null && string.Equals(binding.Service, command.Service, StringComparison.Ordinal))
        {
            if (binding.RolloutId is null)
                return (null, $"this command was sent before {active.Id} ({command.Service} {active.Version}) started, so it does not act on it. "
                              + $"Nothing changed: send the command again to {command.Verb} {active.Id}");
            (id, step, revision) = (binding.RolloutId, binding.StepIndex, binding.Revision);
        }
        else (id, step, revision) = (active.Id, active.StepIndex, active.Revision);

        RolloutInput input = command switch
        {
            ApproveCommand => new Approve(id, step, revision) { By = by },
            RollbackCommand rb => new Rollback(id) { By = by, Reason = rb.Reason ?? defaultReason },
            PauseCommand => new Pause(id) { By = by },
            ResumeCommand => new Resume(id) { By = by },
            PromoteCommand => new Promote(id) { By = by },
            AbortCommand => new Abort(id) { By = by },
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.Verb, "not a rollout command"),
        };
        return (input, null);
    }
}

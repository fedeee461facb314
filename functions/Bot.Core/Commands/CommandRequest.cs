using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Commands;

/// <summary>
/// What a surface asks <see cref="CommandPipeline"/> to do: the parsed command, who asks (their identity on the surface,
/// which names the surface), and what the command was bound to when the surface accepted it.
/// </summary>
/// <param name="Command">The typed command (from the grammar, a button, a check-run action, the command API or a trigger).</param>
/// <param name="By">Who asks: a Slack user, a GitHub login, an API key or CI token (with the identity it is mapped to).</param>
public sealed record CommandRequest(ReleaseCommand Command, Actor By)
{
    /// <summary>The rollout, revision and step the command was bound to at intake: a button's value, the active rollout when
    /// a slash command or PR comment was accepted, the rollout id (and <c>stepIndex</c>/<c>revision</c>) an API call names.
    /// Null: the active rollout now. The default value is null.</summary>
    public CommandBinding? Binding { get; init; }

    /// <summary>The service's state as the surface already read it when it bound the command (in this process), so the
    /// pipeline does not read it again: binding, authorization and the decision use it, and the executor's conditional
    /// commit reads again and re-decides when it is stale. Null, or a read of another service: the pipeline reads. The
    /// default value is null.</summary>
    public Versioned<ServiceState>? Seen { get; init; }

    /// <summary>Shown in audit and chat when the command carries none of its own. The default value is null.</summary>
    public string? Reason { get; init; }

    /// <summary>deploy: the config to start with (a repository's <c>.releasebot.yaml</c>); null: the central config.</summary>
    public ReleaseConfig? Config { get; init; }

    /// <summary>deploy: where the version came from. Null: nothing but the config's repository.</summary>
    public VersionSource? Source { get; init; }

    /// <summary>The sender's delivery id (a CI build id, a Slack click or command, a GitHub delivery), so a redelivery acts
    /// once: recorded in the state committed with what the command did (<see cref="RolloutInput.Delivery"/>); a repeat is
    /// an accepted no-op whose outcome says <see cref="CommandOutcome.Repeated"/>. The default value is null.</summary>
    public InboundDelivery? Delivery { get; init; }

    /// <summary>deploy: an automatic start (push, workflow_run) the service's <c>trigger</c> section matched. It is allowed
    /// by that section rather than by <c>deployers</c>, and recorded with <see cref="By"/> (the pusher, the workflow actor).
    /// The default value is false.</summary>
    public bool Triggered { get; init; }

    /// <summary>When the surface received the command; a rollback's latency (received → cluster accepted) counts from it.
    /// The default value is null: when <see cref="CommandPipeline.RunAsync"/> starts.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}

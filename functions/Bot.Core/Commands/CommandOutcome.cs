using Bot.Core.Calendar;
using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Core.Commands;

/// <summary>
/// What <see cref="CommandPipeline.RunAsync"/> did, for each surface to word in its own way: done (with the rollout after
/// it) or refused (<see cref="Refused"/>: why, and which HTTP status it maps to). A refusal changed nothing but the
/// refused-attempt audit record.
/// </summary>
/// <param name="Service">The service the command acted on.</param>
/// <param name="Refused">Why nothing happened; null when the command was done.</param>
/// <param name="Message">One sentence for the person: what happened, or why not and who may act.</param>
public sealed record CommandOutcome(string Service, Refusal? Refused, string Message)
{
    public bool Done => Refused is null;

    /// <summary>The command's delivery had already been acted on (<see cref="CommandRequest.Delivery"/>): nothing changed now.</summary>
    public bool Repeated => Execution?.Decision.Repeated == true;

    /// <summary>Whether the surface answers a repeat: only when the delivery was recorded after <paramref name="receivedAt"/>,
    /// i.e. by this same request's earlier run (a queued retry whose first run ended before it answered). A replay or a
    /// sender's retry was received after the record, and the first one was answered: no second answer.</summary>
    public bool AnswersRepeat(DateTimeOffset? receivedAt) =>
        Execution?.Decision.RepeatOf is { } first && receivedAt is { } at && first.At > at;

    /// <summary>The rollout the command acted on, as it is after the command (null for freezes and refused starts).</summary>
    public RolloutState? Rollout { get; init; }

    /// <summary>The executor's result, when the command reached the engine.</summary>
    public ExecutionResult? Execution { get; init; }

    /// <summary>freeze: the freeze set; unfreeze: the freeze lifted (null: there was none).</summary>
    public Freeze? Freeze { get; init; }

    /// <summary>restore: whether the cluster took the traffic back to stable.</summary>
    public bool? Restored { get; init; }
}

namespace Bot.Core.Rollouts;

/// <summary>Why a command was refused: maps to HTTP 404/409/403 and to chat replies.</summary>
public enum RefusalKind { NotFound, Conflict, Forbidden, Invalid }

public sealed record Refusal(RefusalKind Kind, string Message);

/// <summary>The result of <see cref="RolloutMachine.Decide"/>: the new state and what to do, or a refusal that changes nothing.</summary>
public sealed record Decision(ServiceState State, IReadOnlyList<Effect> Effects, Refusal? Refused = null, string? Message = null)
{
    public bool Accepted => Refused is null;

    /// <summary>The record of the input's delivery when it was already received and acted on (<see cref="RolloutInput.Delivery"/>):
    /// nothing changed now. The default value is null.</summary>
    public DeliveryRecord? RepeatOf { get; init; }

    /// <summary>The input repeated a delivery that was already acted on (<see cref="RepeatOf"/>).</summary>
    public bool Repeated => RepeatOf is not null;

    public static Decision Refuse(ServiceState state, RefusalKind kind, string message) => new(state, [], new Refusal(kind, message));
}

namespace Bot.Core.Rollouts;

public static partial class RolloutMachine
{
    /// <summary>Most deliveries remembered per service; the oldest are forgotten first (and expired ones always).</summary>
    public const int MaxRememberedDeliveries = 200;

    /// <summary>The unexpired record of delivery <paramref name="id"/>, if what it asked for was committed.</summary>
    public static DeliveryRecord? FindDelivery(ServiceState state, string id, DateTimeOffset now) =>
        state.Deliveries.LastOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal) && r.ExpiresAt > now);

    /// <summary>An input that carries a delivery id (a CI build, a Slack click or command, a GitHub delivery) acts at most
    /// once: a repeat is an accepted no-op (same state, no effects, <see cref="Decision.RepeatOf"/>) naming what the first
    /// one did; an accepted first one records the delivery in the same state, so the record and what it did commit together
    /// (a crash before the commit leaves neither, and the sender's retry is acted on). A refusal records nothing.</summary>
    private static Decision Once(ServiceState state, RolloutInput input, DateTimeOffset now, Func<Decision> decide)
    {
        if (input.Delivery is not { } delivery) return decide();
        if (FindDelivery(state, delivery.Id, now) is { } seen)
            return new Decision(state, [], Message: seen.RolloutId is { } id
                ? $"delivery {delivery.Id} was already received: it {(input is StartRollout ? "started" : "acted on")} {id}"
                : $"delivery {delivery.Id} was already received: its version was queued") { RepeatOf = seen };

        var decision = decide();
        if (!decision.Accepted) return decision;
        var next = decision.State;
        var acted = input is StartRollout start
            ? next.Sequence > state.Sequence && next.Active is { } a && a.Version == start.Version ? a.Id : null
            : TargetOf(input) ?? state.Active?.Id;
        var kept = next.Deliveries.Where(r => r.ExpiresAt > now).TakeLast(MaxRememberedDeliveries - 1);
        return decision with { State = next with { Deliveries = [.. kept, new DeliveryRecord(delivery.Id, acted, now, now + delivery.Keep)] } };
    }

    private static string? TargetOf(RolloutInput input) => input switch
    {
        Approve a => a.RolloutId, Rollback r => r.RolloutId, Abort a => a.RolloutId, Pause p => p.RolloutId,
        Resume r => r.RolloutId, Promote p => p.RolloutId, _ => null,
    };
}

namespace Bot.Core.Rollouts;

public static partial class RolloutMachine
{
    /// <summary>Most deliveries remembered per service; the oldest are forgotten first (and expired ones always).</summary>
    public const int MaxRememberedDeliveries = 200;

    /// <summary>The unexpired record of delivery <paramref name="id"/>, if its start was committed.</summary>
    public static DeliveryRecord? FindDelivery(ServiceState state, string id, DateTimeOffset now) =>
        state.Deliveries.LastOrDefault(r => string.Equals(r.Id, id, StringComparison.Ordinal) && r.ExpiresAt > now);

    /// <summary>A start that carries a delivery id happens at most once: a repeat is an accepted no-op (same state, no
    /// effects) naming what the first one started; an accepted first one records the delivery in the same state, so the
    /// record and the start commit together (a crash before the commit leaves neither).</summary>
    private static Decision OnStartOnce(ServiceState state, StartRollout start, DateTimeOffset now, Func<Decision> decide)
    {
        if (start.Delivery is not { } delivery) return decide();
        if (FindDelivery(state, delivery.Id, now) is { } seen)
            return new Decision(state, [], Message: seen.RolloutId is { } id
                ? $"delivery {delivery.Id} was already received: it started {id}"
                : $"delivery {delivery.Id} was already received: its version was queued");

        var decision = decide();
        if (!decision.Accepted) return decision;
        var next = decision.State;
        var started = next.Sequence > state.Sequence && next.Active is { } a && a.Version == start.Version ? a.Id : null;
        var kept = next.Deliveries.Where(r => r.ExpiresAt > now).TakeLast(MaxRememberedDeliveries - 1);
        return decision with { State = next with { Deliveries = [.. kept, new DeliveryRecord(delivery.Id, started, now, now + delivery.Keep)] } };
    }
}

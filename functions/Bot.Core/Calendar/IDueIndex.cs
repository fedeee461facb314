namespace Bot.Core.Calendar;

/// <summary>
/// An index of future work by due time, so the sweep reads only what is due instead of every rollout. Rows are
/// hints: the sweep checks each against the rollout's state, acts only when it still applies, and removes it.
/// Writing a row for a step message that is scheduled (see the scheduler decorator) keeps it crash-safe: the
/// executor re-applies pending effects, and with them the index write.
/// </summary>
public interface IDueIndex
{
    /// <summary>Adds or replaces the row for (<see cref="DueItem.Service"/>, <see cref="DueItem.Kind"/>) at its due time.</summary>
    Task SetAsync(DueItem item, CancellationToken ct);

    /// <summary>Removes the row; a missing row is fine.</summary>
    Task RemoveAsync(DueItem item, CancellationToken ct);

    /// <summary>Rows due at or before <paramref name="now"/>, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DueItem>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct);
}

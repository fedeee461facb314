using Bot.Adapters.Scheduling;
using Bot.Core.Calendar;
using Bot.Core.Rollouts;
using Bot.Core.Freezes;

namespace Bot.Adapters.Freezes;

/// <summary>
/// The freeze and unfreeze commands, for every surface (API, Slack, GitHub): validates, stores, and makes the gates
/// see the change at once. Scope is a service name or <c>all</c>.
/// </summary>
public sealed class FreezeService(IFreezeStore store, FreezeCache cache, TimeProvider time) : Bot.Core.Freezes.IFreezeControl
{
    /// <summary>Longest freeze with a duration (a year); longer ones should be open-ended and lifted by hand.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>Freezes <paramref name="scope"/>; an existing freeze on the same scope is replaced.</summary>
    public async Task<Freeze> FreezeAsync(string scope, TimeSpan? duration, string? reason, Actor by, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        if (duration is { } d && (d <= TimeSpan.Zero || d > MaxDuration))
            throw new ArgumentOutOfRangeException(nameof(duration), d, "a freeze lasts between 1 second and 366 days; leave the duration out for an open-ended freeze");
        var now = time.GetUtcNow();
        var freeze = new Freeze(Normalize(scope), string.IsNullOrWhiteSpace(reason) ? "no reason given" : reason.Trim(), by, now, now + duration);
        await store.SetAsync(freeze, ct).ConfigureAwait(false);
        await cache.RefreshAsync(ct).ConfigureAwait(false);
        return freeze;
    }

    /// <summary>Lifts the freeze on <paramref name="scope"/>; null when there was none.</summary>
    public async Task<Freeze?> UnfreezeAsync(string scope, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scope);
        var removed = await store.RemoveAsync(Normalize(scope), ct).ConfigureAwait(false);
        await cache.RefreshAsync(ct).ConfigureAwait(false);
        return removed;
    }

    /// <summary>Freezes in force now.</summary>
    public async Task<IReadOnlyList<Freeze>> ActiveAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        return [.. (await store.ListAsync(ct).ConfigureAwait(false)).Where(f => f.IsActive(now))];
    }

    private static string Normalize(string scope)
    {
        var s = scope.Trim().ToLowerInvariant();
        return s is "*" or "all" ? Freeze.AllServices : s;
    }
}

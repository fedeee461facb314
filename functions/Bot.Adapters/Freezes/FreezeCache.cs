using Bot.Adapters.Scheduling;
using Bot.Core.Calendar;
using Bot.Core.Freezes;

namespace Bot.Adapters.Freezes;

/// <summary>
/// The freezes the gates see, as a <see cref="GateContext"/> the pure decision can read without I/O. Refreshed from
/// the store on a timer (<c>Sweep:FreezeRefresh</c>) and at once after every freeze command here.
/// </summary>
public sealed class FreezeCache(IFreezeStore store, ICronEvaluator cron)
{
    private volatile GateContext _current = new() { Cron = cron };

    /// <summary>The gate context as of the last refresh.</summary>
    public GateContext Current => _current;

    public async Task RefreshAsync(CancellationToken ct)
    {
        var freezes = await store.ListAsync(ct).ConfigureAwait(false);
        _current = _current with { Freezes = freezes };
    }
}

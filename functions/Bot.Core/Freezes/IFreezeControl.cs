using Bot.Core.Ports;
using Bot.Core.Calendar;
using Bot.Core.Rollouts;

namespace Bot.Core.Freezes;

/// <summary>Sets and lifts change freezes (the <c>freezes</c> table); <see cref="Commands.CommandPipeline"/> authorizes first.</summary>
public interface IFreezeControl
{
    /// <summary>Freezes <paramref name="scope"/> (a service or <see cref="Freeze.AllServices"/>) for <paramref name="duration"/> (null: until lifted).</summary>
    Task<Freeze> FreezeAsync(string scope, TimeSpan? duration, string? reason, Actor by, CancellationToken ct);

    /// <summary>Lifts the freeze on <paramref name="scope"/>; null when none was set.</summary>
    Task<Freeze?> UnfreezeAsync(string scope, CancellationToken ct);
}

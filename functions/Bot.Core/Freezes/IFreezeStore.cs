using Bot.Core.Calendar;
namespace Bot.Core.Freezes;

/// <summary>Durable freezes (one per scope: a service name or <see cref="Freeze.AllServices"/>).</summary>
public interface IFreezeStore
{
    /// <summary>Sets or replaces the freeze for its scope.</summary>
    Task SetAsync(Freeze freeze, CancellationToken ct);

    /// <summary>Lifts the freeze on <paramref name="scope"/>; returns the freeze that was removed, or null when there was none.</summary>
    Task<Freeze?> RemoveAsync(string scope, CancellationToken ct);

    /// <summary>Every stored freeze, expired ones included (callers filter with <see cref="Freeze.IsActive"/>).</summary>
    Task<IReadOnlyList<Freeze>> ListAsync(CancellationToken ct);
}

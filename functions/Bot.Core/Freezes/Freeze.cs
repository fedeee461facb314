using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Freezes;

/// <summary>
/// A change freeze: while active, steps that raise canary traffic or promote wait, and new starts are queued or
/// refused (<see cref="FreezePolicy"/>). Rollback and pause are never blocked.
/// </summary>
/// <param name="Scope">A service name, or <see cref="AllServices"/> for a global freeze.</param>
/// <param name="Reason">Why; shown in every answer and wait message.</param>
/// <param name="By">Who set it, and from which surface.</param>
/// <param name="At">When it was set.</param>
/// <param name="Until">When it lifts by itself; null lasts until unfrozen.</param>
public sealed record Freeze(string Scope, string Reason, Actor By, DateTimeOffset At, DateTimeOffset? Until = null)
{
    /// <summary>The scope of a freeze on every service.</summary>
    public const string AllServices = "all";

    public bool IsGlobal => Scope == AllServices;

    public bool IsActive(DateTimeOffset now) => At <= now && (Until is null || now < Until);

    public bool Covers(string service) => IsGlobal || string.Equals(Scope, service, StringComparison.OrdinalIgnoreCase);

    /// <summary>One line for chat and API answers: "frozen (all services) by Ana until 2026-12-24 18:00 UTC: year-end".</summary>
    public string Describe()
    {
        var scope = IsGlobal ? "all services" : Scope;
        var until = Until is { } u ? $" until {u.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "";
        var reason = string.IsNullOrWhiteSpace(Reason) ? "no reason given" : Reason;
        return $"frozen ({scope}) by {By.Name}{until}: {reason}";
    }

    /// <summary>
    /// The freeze that applies to <paramref name="service"/> at <paramref name="now"/>, or null. When several do,
    /// the one lasting longest wins (an open-ended freeze beats any dated one), so the wait is never cut short.
    /// </summary>
    public static Freeze? ActiveFreeze(IEnumerable<Freeze> freezes, string service, DateTimeOffset now) =>
        freezes.Where(f => f.Covers(service) && f.IsActive(now))
            .OrderByDescending(f => f.Until ?? DateTimeOffset.MaxValue)
            .ThenBy(f => f.IsGlobal ? 0 : 1)
            .FirstOrDefault();
}

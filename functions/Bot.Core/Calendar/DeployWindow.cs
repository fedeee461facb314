namespace Bot.Core.Calendar;

/// <summary>
/// When a service may take more traffic on its canary or be promoted: weekly ranges in an IANA time zone,
/// minus blackout dates. Plain data (it is snapshotted into rollout state); the rules are methods.
/// </summary>
public sealed record DeployWindow
{
    /// <summary>IANA time zone id, e.g. <c>Europe/Berlin</c>. The default value is <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Weekly openings in local time. Empty means always open (only blackouts close it).</summary>
    public IReadOnlyList<WeeklyRange> Ranges { get; init; } = [];

    /// <summary>Local dates on which the window stays closed all day (holidays, launches).</summary>
    public IReadOnlyList<DateOnly> Blackouts { get; init; } = [];

    /// <summary>Days searched ahead by <see cref="NextOpen"/> before giving up; a window that never opens yields null.</summary>
    private const int Horizon = 400;

    public TimeZoneInfo Zone() => FindZone(TimeZone);

    /// <summary>Resolves an IANA id through the system's tz database; throws <see cref="TimeZoneNotFoundException"/>.</summary>
    public static TimeZoneInfo FindZone(string id) =>
        id.Equals("UTC", StringComparison.OrdinalIgnoreCase) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);

    public bool IsOpen(DateTimeOffset now) => IsOpenLocal(TimeZoneInfo.ConvertTime(now, Zone()).DateTime);

    private bool IsOpenLocal(DateTime local)
    {
        if (Blackouts.Contains(DateOnly.FromDateTime(local))) return false;
        return Ranges.Count == 0 || Ranges.Any(r => r.Contains(local));
    }

    /// <summary>
    /// <paramref name="now"/> when open, else the first instant after it at which the window opens, or null when
    /// it does not open within about a year. Local times skipped by a DST change open at the first valid instant
    /// after the gap; repeated local times open at their first occurrence.
    /// </summary>
    public DateTimeOffset? NextOpen(DateTimeOffset now)
    {
        var zone = Zone();
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        if (IsOpenLocal(local)) return now;
        // Openings happen only at a range start or at a midnight (end of a blackout day inside an overnight or
        // all-day range), so those are the only candidates.
        var candidates = new List<DateTime>();
        for (var d = 0; d <= Horizon; d++)
        {
            var date = local.Date.AddDays(d);
            candidates.Add(date);
            foreach (var r in Ranges)
                if (r.Days.Contains(date.DayOfWeek)) candidates.Add(date + r.Start);
            if (candidates.Count > 64 || d == Horizon)
            {
                foreach (var c in candidates.Distinct().Order())
                {
                    var at = ToInstant(c, zone);
                    if (at > now && IsOpenLocal(TimeZoneInfo.ConvertTime(at, zone).DateTime)) return at;
                }
                candidates.Clear();
            }
        }
        return null;
    }

    /// <summary>Local wall-clock time to an instant: gap times move to the end of the gap, ambiguous ones take the earlier instant.</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Step forward minute by minute (gaps are at most a few hours) to the first valid wall-clock time.
            var probe = local;
            while (zone.IsInvalidTime(probe)) probe = probe.AddMinutes(1);
            probe = new DateTime(probe.Year, probe.Month, probe.Day, probe.Hour, probe.Minute, 0);
            return new DateTimeOffset(probe, zone.GetUtcOffset(probe));
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, offsets.Max()); // larger offset = earlier instant
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    /// <summary>The window as users write it, e.g. <c>Mon-Thu 09:00-18:00 Europe/Berlin</c>.</summary>
    public string Describe()
    {
        var ranges = Ranges.Count == 0 ? "always" : string.Join(", ", Ranges);
        return Blackouts.Count == 0 ? $"{ranges} {TimeZone}" : $"{ranges} {TimeZone}, blackout {string.Join(", ", Blackouts.Select(b => b.ToString("yyyy-MM-dd")))}";
    }

    public bool Equals(DeployWindow? other) =>
        other is not null && TimeZone == other.TimeZone && Ranges.SequenceEqual(other.Ranges) && Blackouts.SequenceEqual(other.Blackouts);

    public override int GetHashCode() => HashCode.Combine(TimeZone, Ranges.Count, Blackouts.Count);
}

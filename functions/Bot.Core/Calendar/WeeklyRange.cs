namespace Bot.Core.Calendar;

/// <summary>
/// A weekly opening, e.g. <c>Mon-Thu 09:00-17:00</c>, in the window's local time. When <see cref="End"/> is not
/// after <see cref="Start"/> the range runs past midnight into the next day (<c>Fri 22:00-02:00</c>).
/// </summary>
/// <param name="Days">Days on which the range starts.</param>
/// <param name="Start">Local time of day it opens, 00:00-23:59.</param>
/// <param name="End">Local time of day it closes, exclusive, 00:01-24:00.</param>
public sealed record WeeklyRange(IReadOnlyList<DayOfWeek> Days, TimeSpan Start, TimeSpan End)
{
    public bool CrossesMidnight => End <= Start;

    /// <summary>True when local wall-clock <paramref name="local"/> falls inside the range.</summary>
    public bool Contains(DateTime local)
    {
        var tod = local.TimeOfDay;
        if (!CrossesMidnight) return Days.Contains(local.DayOfWeek) && tod >= Start && tod < End;
        var yesterday = (DayOfWeek)(((int)local.DayOfWeek + 6) % 7);
        return (Days.Contains(local.DayOfWeek) && tod >= Start) || (Days.Contains(yesterday) && tod < End);
    }

    /// <summary>The range as users write it, e.g. <c>Mon-Thu 09:00-17:00</c>.</summary>
    public override string ToString() => $"{WindowText.Days(Days)} {WindowText.Time(Start)}-{WindowText.Time(End)}";

    public bool Equals(WeeklyRange? other) =>
        other is not null && Start == other.Start && End == other.End && Days.OrderBy(d => d).SequenceEqual(other.Days.OrderBy(d => d));

    public override int GetHashCode() => HashCode.Combine(Start, End, Days.Count);
}

using System.Globalization;

namespace Bot.Core.Calendar;

/// <summary>Parses and prints the window syntax: <c>Mon-Thu 09:00-17:00</c>, <c>Mon,Wed,Fri 10:00-12:00</c>, <c>Sat 22:00-02:00</c>.</summary>
public static class WindowText
{
    private static readonly string[] Names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    /// <summary>Parses one weekly range. On failure <paramref name="error"/> says what is wrong and how to write it.</summary>
    public static bool TryParseRange(string? text, out WeeklyRange? range, out string? error)
    {
        range = null;
        error = null;
        var parts = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2)
        {
            error = $"'{text}' is not a weekly range: write days and hours, e.g. \"Mon-Thu 09:00-17:00\"";
            return false;
        }
        if (!TryParseDays(parts[0], out var days, out error)) return false;
        var hours = parts[1].Split('-');
        if (hours.Length != 2 || !TryParseTime(hours[0], allow24: false, out var start) || !TryParseTime(hours[1], allow24: true, out var end))
        {
            error = $"'{parts[1]}' is not an hour range: write HH:mm-HH:mm (24-hour clock, end up to 24:00), e.g. \"09:00-17:00\"";
            return false;
        }
        if (start == end && end != TimeSpan.FromHours(24) && start != TimeSpan.Zero)
        {
            error = $"'{parts[1]}' is empty: start and end are the same";
            return false;
        }
        // 00:00-00:00 or 00:00-24:00 both mean the whole day.
        if (start == TimeSpan.Zero && end == TimeSpan.Zero) end = TimeSpan.FromHours(24);
        range = new WeeklyRange(days, start, end);
        return true;
    }

    /// <summary>Parses <c>Mon</c>, <c>Mon-Fri</c>, <c>Fri-Mon</c> (wraps) or comma lists of those.</summary>
    public static bool TryParseDays(string text, out IReadOnlyList<DayOfWeek> days, out string? error)
    {
        var set = new SortedSet<DayOfWeek>();
        days = [];
        error = null;
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = item.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !TryDay(ends[0], out var from) || !TryDay(ends[^1], out var to))
            {
                error = $"'{item}' is not a day or day range: use Mon, Tue, Wed, Thu, Fri, Sat, Sun, e.g. \"Mon-Thu\" or \"Mon,Wed\"";
                return false;
            }
            for (var d = from; ; d = (DayOfWeek)(((int)d + 1) % 7))
            {
                set.Add(d);
                if (d == to) break;
            }
        }
        days = [.. set];
        return true;
    }

    private static bool TryDay(string s, out DayOfWeek day)
    {
        var full = CultureInfo.InvariantCulture.DateTimeFormat.DayNames;
        var i = Array.FindIndex(Names, n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
        if (i < 0) i = Array.FindIndex(full, n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
        day = i < 0 ? default : (DayOfWeek)i;
        return i >= 0;
    }

    private static bool TryParseTime(string s, bool allow24, out TimeSpan time)
    {
        time = default;
        var hm = s.Trim().Split(':');
        if (hm.Length != 2 || hm[0].Length is < 1 or > 2 || hm[1].Length != 2
            || !int.TryParse(hm[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(hm[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return false;
        if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow24))) return false;
        time = new TimeSpan(h, m, 0);
        return true;
    }

    public static string Time(TimeSpan t) => $"{(int)t.TotalHours:00}:{t.Minutes:00}";

    public static string Day(DayOfWeek d) => Names[(int)d];

    /// <summary>Compact day list: consecutive runs become <c>Mon-Thu</c>.</summary>
    public static string Days(IReadOnlyList<DayOfWeek> days)
    {
        var sorted = days.Distinct().OrderBy(d => ((int)d + 6) % 7).ToList(); // Monday first
        var runs = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && ((int)sorted[j + 1] - (int)sorted[j] + 7) % 7 == 1) j++;
            runs.Add(j == i ? Day(sorted[i]) : $"{Day(sorted[i])}-{Day(sorted[j])}");
            i = j + 1;
        }
        return string.Join(",", runs);
    }
}

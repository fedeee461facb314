using Bot.Core.Calendar;

namespace Bot.Core.Tests.Calendar;

public class DeployWindowTests
{
    private static DeployWindow Window(string zone, params string[] ranges) => new()
    {
        TimeZone = zone,
        Ranges = ranges.Select(r => WindowText.TryParseRange(r, out var w, out var e) ? w! : throw new InvalidOperationException(e)).ToList(),
    };

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z", System.Globalization.CultureInfo.InvariantCulture);

    // 2026-11-06 is a Friday. Berlin is UTC+1 in November.
    public static TheoryData<string, string[], string, string?> NextOpenCases => new()
    {
        // name-free rows: zone, ranges, now (UTC), expected NextOpen (UTC)
        { "Europe/Berlin", ["Mon-Thu 09:00-18:00"], "2026-11-06T16:59:00", "2026-11-09T08:00:00" }, // Fri 17:59 local -> Mon 09:00
        { "Europe/Berlin", ["Mon-Thu 09:00-18:00"], "2026-11-05T16:59:00", "2026-11-05T16:59:00" }, // Thu 17:59 local: open
        { "Europe/Berlin", ["Mon-Thu 09:00-18:00"], "2026-11-05T17:00:00", "2026-11-09T08:00:00" }, // Thu 18:00 local: end is exclusive
        { "Europe/Berlin", ["Mon-Thu 09:00-18:00"], "2026-11-09T07:30:00", "2026-11-09T08:00:00" }, // Mon 08:30 local
        { "America/New_York", ["Mon-Fri 09:00-17:00"], "2026-11-06T22:30:00", "2026-11-09T14:00:00" }, // Fri 17:30 EST -> Mon 09:00 EST
        { "UTC", ["Fri 22:00-02:00"], "2026-11-07T01:00:00", "2026-11-07T01:00:00" }, // overnight range, Sat 01:00
        { "UTC", ["Fri 22:00-02:00"], "2026-11-07T02:00:00", "2026-11-13T22:00:00" },
        { "UTC", ["Mon,Wed 10:00-11:00", "Tue 15:00-16:00"], "2026-11-09T11:00:00", "2026-11-10T15:00:00" },
    };

    [Theory]
    [MemberData(nameof(NextOpenCases))]
    public void NextOpen_Table_ReturnsFirstOpening(string zone, string[] ranges, string now, string? expected)
    {
        var w = Window(zone, ranges);
        Assert.Equal(expected is null ? null : Utc(expected), w.NextOpen(Utc(now)));
        Assert.Equal(expected == now, w.IsOpen(Utc(now)));
    }

    [Fact]
    public void NextOpen_FridayEveningBerlin_OpensMondayNineLocal()
    {
        var w = Window("Europe/Berlin", "Mon-Thu 09:00-18:00");
        var friday1759 = new DateTimeOffset(2026, 11, 6, 17, 59, 0, TimeSpan.FromHours(1));

        var open = w.NextOpen(friday1759)!.Value;

        Assert.Equal(new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(1)), open);
        Assert.Equal(DayOfWeek.Monday, TimeZoneInfo.ConvertTime(open, w.Zone()).DayOfWeek);
    }

    [Fact]
    public void NextOpen_AcrossSpringForward_UsesSummerOffset()
    {
        // Berlin moves to UTC+2 on Sunday 2026-03-29; Monday 09:00 local is then 07:00 UTC.
        var w = Window("Europe/Berlin", "Mon-Thu 09:00-18:00");
        var open = w.NextOpen(Utc("2026-03-27T17:00:00"));
        Assert.Equal(Utc("2026-03-30T07:00:00"), open);
    }

    [Fact]
    public void NextOpen_StartInsideDstGap_OpensAtEndOfGap()
    {
        // 02:30 does not exist in Berlin on 2026-03-29 (02:00 -> 03:00): the range opens at 03:00 CEST = 01:00 UTC.
        var w = Window("Europe/Berlin", "Sun 02:30-05:00");
        Assert.Equal(Utc("2026-03-29T01:00:00"), w.NextOpen(Utc("2026-03-28T12:00:00")));
    }

    [Fact]
    public void NextOpen_StartInsideRepeatedHour_OpensAtFirstOccurrence()
    {
        // 02:30 happens twice in Berlin on 2026-10-25; the first is 00:30 UTC (CEST).
        var w = Window("Europe/Berlin", "Sun 02:30-04:00");
        Assert.Equal(Utc("2026-10-25T00:30:00"), w.NextOpen(Utc("2026-10-24T12:00:00")));
    }

    [Fact]
    public void NextOpen_BlackoutDate_SkipsTheDay()
    {
        var w = Window("Europe/Berlin", "Mon-Fri 09:00-17:00") with { Blackouts = [new DateOnly(2026, 11, 9)] };
        Assert.False(w.IsOpen(new DateTimeOffset(2026, 11, 9, 10, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal(new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.FromHours(1)), w.NextOpen(new DateTimeOffset(2026, 11, 6, 18, 0, 0, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void NextOpen_AllDayRangeAfterBlackout_OpensAtMidnight()
    {
        var w = Window("UTC", "Mon-Sun 00:00-24:00") with { Blackouts = [new DateOnly(2026, 12, 25)] };
        Assert.Equal(Utc("2026-12-26T00:00:00"), w.NextOpen(Utc("2026-12-25T08:00:00")));
    }

    [Fact]
    public void NextOpen_NeverOpens_ReturnsNull()
    {
        var w = new DeployWindow { TimeZone = "UTC", Ranges = [new WeeklyRange([], TimeSpan.FromHours(9), TimeSpan.FromHours(10))] };
        Assert.Null(w.NextOpen(Utc("2026-11-06T10:00:00")));
    }

    [Fact]
    public void IsOpen_NoRanges_OpenExceptBlackouts()
    {
        var w = new DeployWindow { TimeZone = "UTC", Blackouts = [new DateOnly(2026, 11, 6)] };
        Assert.True(w.IsOpen(Utc("2026-11-05T23:59:00")));
        Assert.False(w.IsOpen(Utc("2026-11-06T12:00:00")));
    }

    [Fact]
    public void Describe_PrintsAsWritten()
    {
        Assert.Equal("Mon-Thu 09:00-18:00 Europe/Berlin", Window("Europe/Berlin", "Mon-Thu 09:00-18:00").Describe());
    }

    [Fact]
    public void StateJson_RoundTrip_KeepsWindow()
    {
        var w = Window("Europe/Berlin", "Mon-Thu 09:00-18:00", "Sat 22:00-02:00") with { Blackouts = [new DateOnly(2026, 12, 24)] };
        var back = Bot.Core.Rollouts.StateJson.Deserialize<DeployWindow>(Bot.Core.Rollouts.StateJson.Serialize(w));
        Assert.Equal(w, back);
    }
}

using Bot.Adapters.Scheduling;

namespace Bot.Adapters.Tests.Scheduling;

public class NCrontabEvaluatorTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private readonly NCrontabEvaluator _sut = NCrontabEvaluator.Instance;

    [Fact]
    public void NextOccurrence_WeekdaysNineBerlin_SkipsWeekend()
    {
        var fridayTen = new DateTimeOffset(2026, 11, 6, 10, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(1)), _sut.NextOccurrence("0 0 9 * * 1-5", Berlin, fridayTen));
    }

    [Fact]
    public void NextOccurrence_IsStrictlyAfter()
    {
        var nine = new DateTimeOffset(2026, 11, 9, 9, 0, 0, TimeSpan.FromHours(1));
        Assert.Equal(nine.AddDays(1), _sut.NextOccurrence("0 0 9 * * 1-5", Berlin, nine));
    }

    [Fact]
    public void NextOccurrence_SlotInSpringGap_FiresAtEndOfGap()
    {
        // 02:30 does not exist in Berlin on 2026-03-29.
        var saturday = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), _sut.NextOccurrence("0 30 2 * * *", Berlin, saturday));
    }

    [Fact]
    public void NextOccurrence_RepeatedHour_FiresOnceThenNextDay()
    {
        var first = _sut.NextOccurrence("0 30 2 * * *", Berlin, new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), first);
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), _sut.NextOccurrence("0 30 2 * * *", Berlin, first!.Value));
    }

    [Fact]
    public void NextOccurrence_Impossible_Null()
    {
        Assert.Null(_sut.NextOccurrence("0 0 0 30 2 *", TimeZoneInfo.Utc, DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("0 0 9 * * 1-5", null)]
    [InlineData("*/30 * * * * *", null)]
    [InlineData("0 9 * * 1-5", "has 5 fields")]
    [InlineData("0 0 25 * * *", "not a valid cron expression")]
    [InlineData("", "empty")]
    public void Validate_Table(string expression, string? expected)
    {
        var error = _sut.Validate(expression);
        if (expected is null) Assert.Null(error);
        else Assert.Contains(expected, error);
    }
}

using Bot.Core.Calendar;

namespace Bot.Core.Tests.Calendar;

public class WindowTextTests
{
    [Theory]
    [InlineData("Mon-Thu 09:00-17:00", "Mon-Thu 09:00-17:00")]
    [InlineData("mon,wed,fri 10:00-12:30", "Mon,Wed,Fri 10:00-12:30")]
    [InlineData("Fri-Mon 00:00-24:00", "Mon,Fri-Sun 00:00-24:00")]
    [InlineData("Sat 22:00-02:00", "Sat 22:00-02:00")]
    [InlineData("Monday-Tuesday 9:00-17:00", "Mon-Tue 09:00-17:00")]
    public void TryParseRange_Valid_RoundTrips(string text, string printed)
    {
        Assert.True(WindowText.TryParseRange(text, out var range, out var error), error);
        Assert.Equal(printed, range!.ToString());
    }

    [Theory]
    [InlineData("Mon-Thu", "not a weekly range")]
    [InlineData("Mon-Thu 9-17", "not an hour range")]
    [InlineData("Mon-Thu 09:00-25:00", "not an hour range")]
    [InlineData("Mon-Thu 24:00-10:00", "not an hour range")]
    [InlineData("Mon-Thx 09:00-17:00", "not a day")]
    [InlineData("Mon 09:00-09:00", "empty")]
    public void TryParseRange_Invalid_SaysWhatIsWrong(string text, string expected)
    {
        Assert.False(WindowText.TryParseRange(text, out var range, out var error));
        Assert.Null(range);
        Assert.Contains(expected, error);
    }
}

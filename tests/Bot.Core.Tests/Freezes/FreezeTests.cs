using Bot.Core.Calendar;
using Bot.Core.Rollouts;
using static Bot.Core.Tests.Calendar.GateTestData;
using Bot.Core.Freezes;

namespace Bot.Core.Tests.Freezes;

public class FreezeTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ActiveFreeze_GlobalAndServiceBothActive_LongestWins()
    {
        var service = new Freeze("checkout-api", "migration", Ana, Now.AddHours(-1), Now.AddHours(1));
        var global = new Freeze(Freeze.AllServices, "year-end", Ana, Now.AddHours(-1), Now.AddDays(10));
        Assert.Same(global, Freeze.ActiveFreeze([service, global], "checkout-api", Now));
    }

    [Fact]
    public void ActiveFreeze_OpenEnded_BeatsDated()
    {
        var dated = new Freeze(Freeze.AllServices, "year-end", Ana, Now.AddHours(-1), Now.AddDays(10));
        var open = new Freeze("checkout-api", "incident", Ana, Now.AddHours(-1));
        Assert.Same(open, Freeze.ActiveFreeze([dated, open], "checkout-api", Now));
    }

    [Theory]
    [InlineData(-2, -1, false)] // ended
    [InlineData(1, 2, false)]   // not started
    [InlineData(-1, 1, true)]
    public void ActiveFreeze_TimeBounds_Respected(int fromHours, int untilHours, bool active)
    {
        var f = new Freeze("checkout-api", "x", Ana, Now.AddHours(fromHours), Now.AddHours(untilHours));
        Assert.Equal(active, Freeze.ActiveFreeze([f], "checkout-api", Now) is not null);
    }

    [Fact]
    public void ActiveFreeze_OtherService_Null()
    {
        Assert.Null(Freeze.ActiveFreeze([new Freeze("payments", "x", Ana, Now.AddHours(-1))], "checkout-api", Now));
    }

    [Fact]
    public void StateJson_RoundTrip_KeepsFreeze()
    {
        var f = new Freeze(Freeze.AllServices, "year-end", Ana, Now, Now.AddDays(3));
        Assert.Equal(f, StateJson.Deserialize<Freeze>(StateJson.Serialize(f)));
    }
}

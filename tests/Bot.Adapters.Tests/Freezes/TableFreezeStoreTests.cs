using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.Core.Freezes;
using Bot.Adapters.Freezes;

namespace Bot.Adapters.Tests.Freezes;

[Collection(AzuriteFixture.Collection)]
public class TableFreezeStoreTests(AzuriteFixture azurite)
{
    private static readonly Actor Ana = new("U0ANA", "Ana", "slack");
    private readonly AzureTableService _tables = azurite.CreateTableService();

    [Fact]
    public async Task SetListRemove_RoundTripsThroughTable()
    {
        var sut = new TableFreezeStore(_tables, AzuriteFixture.NewName("frz"));
        var at = new DateTimeOffset(2026, 12, 20, 12, 0, 0, TimeSpan.Zero);
        var global = new Freeze(Freeze.AllServices, "year-end", Ana, at, at.AddDays(14));
        var service = new Freeze("checkout-api", "incident 4711", Ana, at);

        await sut.SetAsync(global, default);
        await sut.SetAsync(service, default);
        await sut.SetAsync(service with { Reason = "incident 4712" }, default); // replaces

        var listed = await sut.ListAsync(default);
        Assert.Equal(2, listed.Count);
        Assert.Contains(global, listed);
        Assert.Contains(service with { Reason = "incident 4712" }, listed);

        Assert.Equal("incident 4712", (await sut.RemoveAsync("Checkout-API", default))!.Reason);
        Assert.Null(await sut.RemoveAsync("checkout-api", default));
        Assert.Equal([global], await sut.ListAsync(default));
    }

    [Fact]
    public async Task FreezeService_FreezeWithDuration_GatesSeeItAtOnceAndItExpires()
    {
        var store = new TableFreezeStore(_tables, AzuriteFixture.NewName("frz"));
        var cache = new FreezeCache(store, NCrontabEvaluator.Instance);
        var clock = new FakeTimeProvider();
        var sut = new FreezeService(store, cache, clock);

        var freeze = await sut.FreezeAsync("ALL", TimeSpan.FromHours(2), "  db migration  ", Ana, default);

        Assert.Equal(Freeze.AllServices, freeze.Scope);
        Assert.Equal("db migration", freeze.Reason);
        Assert.Equal(clock.GetUtcNow().AddHours(2), freeze.Until);
        Assert.Same(NCrontabEvaluator.Instance, cache.Current.Cron);
        Assert.Equal([freeze], cache.Current.Freezes);
        Assert.Equal([freeze], await sut.ActiveAsync(default));

        clock.Advance(TimeSpan.FromHours(2));
        Assert.Empty(await sut.ActiveAsync(default));

        Assert.Equal(freeze, await sut.UnfreezeAsync("all", default));
        Assert.Empty(cache.Current.Freezes);
    }

    [Fact]
    public async Task FreezeService_BadDuration_ThrowsAndStoresNothing()
    {
        var store = new TableFreezeStore(_tables, AzuriteFixture.NewName("frz"));
        var sut = new FreezeService(store, new FreezeCache(store, NCrontabEvaluator.Instance), new FakeTimeProvider());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sut.FreezeAsync("checkout-api", TimeSpan.FromDays(400), "x", Ana, default));
        Assert.Empty(await store.ListAsync(default));
    }
}

using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Scheduling;

[Collection(AzuriteFixture.Collection)]
public class TableDueIndexTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 10, 0, 30, TimeSpan.Zero);
    private readonly AzureTableService _tables = azurite.CreateTableService();

    private TableDueIndex CreateSut() => new(_tables, AzuriteFixture.NewName("due"));

    [Fact]
    public async Task ListDueAsync_MixedTimes_ReturnsOnlyDueOldestFirst()
    {
        var sut = CreateSut();
        await sut.SetAsync(new DueItem("checkout-api", "checkout-api-1", 2, DueKind.Step, Now.AddMinutes(-10)), default);
        await sut.SetAsync(new DueItem("payments", "payments-4", 0, DueKind.Reminder, Now.AddSeconds(-1)), default);
        await sut.SetAsync(new DueItem("search", "search-2", 1, DueKind.Step, Now.AddSeconds(10)), default);  // same minute, not yet due
        await sut.SetAsync(new DueItem("cart", "cart-9", 3, DueKind.Step, Now.AddDays(3)), default);

        var due = await sut.ListDueAsync(Now, 100, default);

        Assert.Equal(["checkout-api", "payments"], due.Select(d => d.Service));
        Assert.Equal(new DueItem("checkout-api", "checkout-api-1", 2, DueKind.Step, Now.AddMinutes(-10)), due[0]);
        Assert.Equal(DueKind.Reminder, due[1].Kind);
    }

    [Fact]
    public async Task RemoveAsync_RemovesOnlyThatRow_MissingIsFine()
    {
        var sut = CreateSut();
        var step = new DueItem("checkout-api", "checkout-api-1", 2, DueKind.Step, Now.AddMinutes(-1));
        var reminder = step with { Kind = DueKind.Reminder };
        await sut.SetAsync(step, default);
        await sut.SetAsync(reminder, default);

        await sut.RemoveAsync(step, default);
        await sut.RemoveAsync(step, default);

        Assert.Equal([reminder], await sut.ListDueAsync(Now, 100, default));
    }

    [Fact]
    public async Task SetAsync_SameServiceKindAndMinute_Replaces()
    {
        var sut = CreateSut();
        await sut.SetAsync(new DueItem("checkout-api", "checkout-api-1", 2, DueKind.Step, Now.AddSeconds(-20)), default);
        await sut.SetAsync(new DueItem("checkout-api", "checkout-api-1", 3, DueKind.Step, Now.AddSeconds(-10)), default);
        Assert.Equal(3, Assert.Single(await sut.ListDueAsync(Now, 100, default)).StepIndex);
    }

    [Fact]
    public async Task ListDueAsync_Max_Caps()
    {
        var sut = CreateSut();
        for (var i = 0; i < 5; i++) await sut.SetAsync(new DueItem($"svc{i}", $"svc{i}-1", 0, DueKind.Step, Now.AddMinutes(-i)), default);
        Assert.Equal(3, (await sut.ListDueAsync(Now, 3, default)).Count);
    }
}

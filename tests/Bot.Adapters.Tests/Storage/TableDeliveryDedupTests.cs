using Bot.Adapters.Storage;
using Bot.TestKit;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class TableDeliveryDedupTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly FakeTimeProvider _time = new();
    private readonly StorageOptions _options = new() { DeliveriesTable = AzuriteFixture.NewName("deliveries") };

    private TableDeliveryDedup CreateSut() => new(azurite.CreateTableService(), _time, _options);

    [Fact]
    public async Task TryClaimAsync_FirstTime_True_Redelivery_False()
    {
        var dedup = CreateSut();
        Assert.True(await dedup.TryClaimAsync("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", TimeSpan.FromDays(1), Ct));
        Assert.False(await dedup.TryClaimAsync("github", "72d3162e-cc78-11e3-81ab-4c9367dc0958", TimeSpan.FromDays(1), Ct));
    }

    [Fact]
    public async Task TryClaimAsync_SameIdOtherSource_IsIndependent()
    {
        var dedup = CreateSut();
        Assert.True(await dedup.TryClaimAsync("github", "1234.5678", TimeSpan.FromHours(1), Ct));
        Assert.True(await dedup.TryClaimAsync("slack", "1234.5678", TimeSpan.FromHours(1), Ct));
    }

    [Fact]
    public async Task ReleaseAsync_AfterAFailedHandOff_TheRetryClaimsAgain()
    {
        var dedup = CreateSut();
        Assert.True(await dedup.TryClaimAsync("github", "d-1", TimeSpan.FromHours(1), Ct));
        await dedup.ReleaseAsync("github", "d-1", Ct);
        await dedup.ReleaseAsync("github", "never-claimed", Ct); // nothing to give back: no error
        Assert.True(await dedup.TryClaimAsync("github", "d-1", TimeSpan.FromHours(1), Ct));
        Assert.False(await dedup.TryClaimAsync("github", "d-1", TimeSpan.FromHours(1), Ct));
    }

    [Fact]
    public async Task PurgeExpiredAsync_DeletesOnlyExpiredRows_AndAPurgedIdCanBeClaimedAgain()
    {
        var dedup = CreateSut();
        for (var i = 0; i < 5; i++) Assert.True(await dedup.TryClaimAsync("ci", $"build-{i}", TimeSpan.FromMinutes(10), Ct));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await dedup.TryClaimAsync("ci", "build-fresh", TimeSpan.FromMinutes(10), Ct));
        _time.Advance(TimeSpan.FromMinutes(6)); // the first five have expired, build-fresh has not

        Assert.Equal(3, await dedup.PurgeExpiredAsync(3, Ct));
        Assert.Equal(2, await dedup.PurgeExpiredAsync(100, Ct));
        Assert.Equal(0, await dedup.PurgeExpiredAsync(100, Ct));

        var left = await azurite.CreateTableService().QueryAsync(_options.DeliveriesTable, null, Ct).ToListAsync();
        Assert.Equal("build-fresh", Assert.Single(left).RowKey);
        Assert.False(await dedup.TryClaimAsync("ci", "build-fresh", TimeSpan.FromMinutes(10), Ct));
        Assert.True(await dedup.TryClaimAsync("ci", "build-0", TimeSpan.FromMinutes(10), Ct));
    }

    [Fact]
    public async Task TryClaimAsync_BeforeExpiry_False_AfterExpiry_TrueOnceAgain()
    {
        var dedup = CreateSut();
        Assert.True(await dedup.TryClaimAsync("slack", "1699999999.000100", TimeSpan.FromMinutes(30), Ct));

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(await dedup.TryClaimAsync("slack", "1699999999.000100", TimeSpan.FromMinutes(30), Ct));

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await dedup.TryClaimAsync("slack", "1699999999.000100", TimeSpan.FromMinutes(30), Ct));
        Assert.False(await dedup.TryClaimAsync("slack", "1699999999.000100", TimeSpan.FromMinutes(30), Ct));
    }

    [Fact]
    public async Task TryClaimAsync_ConcurrentClaims_ExactlyOneWins()
    {
        var dedup = CreateSut();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => dedup.TryClaimAsync("ci", "build-981", TimeSpan.FromHours(1), Ct)));
        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task TryClaimAsync_ConcurrentReclaimsAfterExpiry_ExactlyOneWins()
    {
        var dedup = CreateSut();
        Assert.True(await dedup.TryClaimAsync("ci", "build-982", TimeSpan.FromMinutes(1), Ct));
        _time.Advance(TimeSpan.FromMinutes(5));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => dedup.TryClaimAsync("ci", "build-982", TimeSpan.FromHours(1), Ct)));

        Assert.Single(results, r => r);
    }

    [Fact]
    public async Task TryClaimAsync_IdWithReservedCharacters_Works()
    {
        var dedup = CreateSut();
        Assert.True(await dedup.TryClaimAsync("ci", "https://ci.example.com/builds/42?attempt=1#x", TimeSpan.FromHours(1), Ct));
        Assert.False(await dedup.TryClaimAsync("ci", "https://ci.example.com/builds/42?attempt=1#x", TimeSpan.FromHours(1), Ct));
    }
}

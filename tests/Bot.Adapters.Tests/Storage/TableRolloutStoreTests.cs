using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class TableRolloutStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TableRolloutStore _store = new(azurite.CreateTableService(), new StorageOptions { RolloutsTable = AzuriteFixture.NewName("rollouts") });

    [Fact]
    public async Task GetAsync_Unknown_ReturnsNull()
    {
        Assert.Null(await _store.GetAsync("checkout-api", Ct));
    }

    [Fact]
    public async Task SaveAsync_New_ThenGet_RoundTripsStateWithETag()
    {
        var state = StoreData.State("checkout-api", 1) with
        {
            Pending = [new SetTraffic(new TrafficTarget(null, "shop", StoreData.Config("checkout-api").Route), 10) { RolloutId = "checkout-api-1" }],
        };

        var etag = await _store.SaveAsync(state, null, Ct);
        var read = await _store.GetAsync("checkout-api", Ct);

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(StateJson.Serialize(state), StateJson.Serialize(read.Value));
        Assert.IsType<SetTraffic>(Assert.Single(read.Value.Pending));
    }

    [Fact]
    public async Task SaveAsync_WithCurrentETag_Replaces()
    {
        var v1 = await _store.SaveAsync(StoreData.State("cart", 1), null, Ct);
        var v2 = await _store.SaveAsync(StoreData.State("cart", 2), v1, Ct);

        var read = await _store.GetAsync("cart", Ct);
        Assert.Equal(v2, read!.ETag);
        Assert.Equal(2, read.Value.Sequence);
    }

    [Fact]
    public async Task SaveAsync_CreateWhenExists_ThrowsConcurrencyConflict()
    {
        await _store.SaveAsync(StoreData.State("cart", 1), null, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _store.SaveAsync(StoreData.State("cart", 2), null, Ct));
        Assert.Equal(1, (await _store.GetAsync("cart", Ct))!.Value.Sequence);
    }

    [Fact]
    public async Task SaveAsync_StaleETag_ThrowsConcurrencyConflict()
    {
        var v1 = await _store.SaveAsync(StoreData.State("cart", 1), null, Ct);
        await _store.SaveAsync(StoreData.State("cart", 2), v1, Ct);

        var e = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => _store.SaveAsync(StoreData.State("cart", 3), v1, Ct));
        Assert.Contains("cart", e.Message);
        Assert.Equal(2, (await _store.GetAsync("cart", Ct))!.Value.Sequence);
    }

    [Fact]
    public async Task SaveAsync_TwoRacingSavesWithSameETag_ExactlyOneWins()
    {
        var v1 = await _store.SaveAsync(StoreData.State("payments", 1), null, Ct);
        for (var round = 0; round < 10; round++)
        {
            var current = (await _store.GetAsync("payments", Ct))!;
            var approve = current.Value with { Sequence = current.Value.Sequence + 1, Active = current.Value.Active! with { Reason = "approve" } };
            var rollback = current.Value with { Sequence = current.Value.Sequence + 1, Active = current.Value.Active! with { Reason = "rollback" } };

            var results = await Task.WhenAll(Attempt(approve, current.ETag), Attempt(rollback, current.ETag));

            Assert.Single(results, r => r is not null);
            var winner = results.Single(r => r is not null)!;
            var stored = (await _store.GetAsync("payments", Ct))!;
            Assert.Equal(winner.Value.ETag, stored.ETag);
            Assert.Equal(winner.Value.Reason, stored.Value.Active!.Reason);
        }
        Assert.NotNull(v1);

        async Task<(string ETag, string Reason)?> Attempt(ServiceState state, string etag)
        {
            try
            {
                return (await _store.SaveAsync(state, etag, Ct), state.Active!.Reason!);
            }
            catch (ConcurrencyConflictException)
            {
                return null;
            }
        }
    }

    [Fact]
    public async Task SaveAsync_LargeState_IsChunkedAndReadBack()
    {
        var big = StoreData.State("search", 1) with { Active = StoreData.Rollout("search", 1) with { Reason = new string('x', 100_000) + "✓" } };

        var etag = await _store.SaveAsync(big, null, Ct);
        var read = await _store.GetAsync("search", Ct);

        Assert.Equal(etag, read!.ETag);
        Assert.Equal(big.Active!.Reason, read.Value.Active!.Reason);
    }

    [Fact]
    public async Task SaveAsync_TooLargeState_FailsClearlyAndWritesNothing()
    {
        var huge = StoreData.State("search", 1) with { Active = StoreData.Rollout("search", 1) with { Reason = new string('x', 500_000) } };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => _store.SaveAsync(huge, null, Ct));

        Assert.Contains("state of service 'search'", e.Message);
        Assert.Null(await _store.GetAsync("search", Ct));
    }

    [Fact]
    public async Task ArchiveAsync_ThenFind_IsPointRead_AndIdempotent()
    {
        var rollout = StoreData.Rollout("checkout-api", 3, phase: RolloutPhase.Succeeded);
        await _store.ArchiveAsync(rollout, Ct);
        await _store.ArchiveAsync(rollout with { Reason = "archived twice" }, Ct);

        var found = await _store.FindAsync("checkout-api-3", Ct);

        Assert.Equal("archived twice", found!.Reason);
        Assert.Single(await _store.ListAsync("checkout-api", 10, Ct));
        Assert.Null(await _store.FindAsync("checkout-api-4", Ct));
    }

    [Fact]
    public async Task ListAsync_NewestFirst_LimitedToMax_PerService()
    {
        var order = new[] { 2, 5, 1, 4, 3 };
        foreach (var n in order) await _store.ArchiveAsync(StoreData.Rollout("checkout-api", n), Ct);
        await _store.ArchiveAsync(StoreData.Rollout("cart", 9), Ct);

        var all = await _store.ListAsync("checkout-api", 100, Ct);
        var top2 = await _store.ListAsync("checkout-api", 2, Ct);

        Assert.Equal(["checkout-api-5", "checkout-api-4", "checkout-api-3", "checkout-api-2", "checkout-api-1"], all.Select(r => r.Id));
        Assert.Equal(["checkout-api-5", "checkout-api-4"], top2.Select(r => r.Id));
        Assert.Empty(await _store.ListAsync("checkout-api", 0, Ct));
    }

    [Fact]
    public async Task Service_WithReservedKeyCharacters_Works()
    {
        const string service = "team/checkout#1?";
        var etag = await _store.SaveAsync(StoreData.State(service, 1), null, Ct);
        await _store.ArchiveAsync(StoreData.Rollout(service, 1), Ct);

        Assert.Equal(etag, (await _store.GetAsync(service, Ct))!.ETag);
        Assert.Equal(service, Assert.Single(await _store.ListAsync(service, 5, Ct)).Service);
        Assert.NotNull(await _store.FindAsync($"{service}-1", Ct));
    }
}

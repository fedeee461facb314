using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Bot.Adapters.Storage;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class AzureTableServiceTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly AzureTableService _tables = azurite.CreateTableService();

    private async Task<string> NewTableAsync(AzureTableService? tables = null)
    {
        var name = AzuriteFixture.NewName("t");
        await (tables ?? _tables).CreateTableIfNotExistsAsync(name, Ct);
        return name;
    }

    private static Bot.Adapters.Storage.TableEntity Entity(string pk, string rk, JsonObject? properties = null) => new(pk, rk, properties ?? new JsonObject());

    [Fact]
    public async Task CreateTableIfNotExistsAsync_Twice_Succeeds()
    {
        var table = await NewTableAsync();
        await _tables.CreateTableIfNotExistsAsync(table, Ct);
        Assert.Empty((await _tables.QueryPageAsync(table, null, null, null, Ct)).Entities);
    }

    [Fact]
    public async Task InsertAsync_ThenGet_RoundTripsTypedProperties()
    {
        var table = await NewTableAsync();
        var at = new DateTimeOffset(2026, 11, 2, 9, 30, 15, 123, TimeSpan.FromHours(2));
        var id = Guid.NewGuid();
        var properties = new JsonObject
        {
            ["Name"] = "checkout-api",
            ["Count"] = 42,
            ["Big"] = 9_000_000_000L,
            ["SmallLong"] = 7L,
            ["Ratio"] = 2.0,
            ["Half"] = 0.5,
            ["Ok"] = true,
            ["At"] = at,
            ["Id"] = id,
        };
        var etag = await _tables.InsertAsync(table, Entity("svc", "r1", properties), Ct);

        var read = await _tables.GetAsync(table, "svc", "r1", Ct);

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("checkout-api", read.Properties["Name"]!.GetValue<string>());
        Assert.Equal(42, read.Properties["Count"]!.GetValue<int>());
        Assert.Equal(9_000_000_000L, read.Properties["Big"]!.GetValue<long>());
        Assert.Equal(7L, read.Properties["SmallLong"]!.GetValue<long>());
        Assert.Equal(2.0, read.Properties["Ratio"]!.GetValue<double>());
        Assert.Equal(0.5, read.Properties["Half"]!.GetValue<double>());
        Assert.True(read.Properties["Ok"]!.GetValue<bool>());
        Assert.Equal(at, read.Properties["At"]!.GetValue<DateTimeOffset>());
        Assert.Equal(id, read.Properties["Id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task InsertAsync_Int64AndDateTime_AreStoredTyped()
    {
        var table = await NewTableAsync();
        await _tables.InsertAsync(table, Entity("p", "r", new JsonObject { ["Big"] = 5L, ["At"] = DateTimeOffset.UnixEpoch, ["Small"] = 5 }), Ct);

        // Read back by another client: the service holds Edm.Int64, Edm.DateTime and Edm.Int32.
        var raw = new TableClient(azurite.ConnectionString, table);
        var entity = (await raw.GetEntityAsync<Azure.Data.Tables.TableEntity>("p", "r", cancellationToken: Ct)).Value;

        Assert.Equal(5L, Assert.IsType<long>(entity["Big"]));
        Assert.Equal(DateTimeOffset.UnixEpoch, Assert.IsType<DateTimeOffset>(entity["At"]));
        Assert.Equal(5, Assert.IsType<int>(entity["Small"]));
    }

    [Fact]
    public async Task InsertAsync_Existing_ThrowsEntityAlreadyExists()
    {
        var table = await NewTableAsync();
        await _tables.InsertAsync(table, Entity("p", "r"), Ct);

        var e = await Assert.ThrowsAsync<StorageException>(() => _tables.InsertAsync(table, Entity("p", "r"), Ct));
        Assert.Equal("EntityAlreadyExists", e.ErrorCode);
        Assert.Equal(HttpStatusCode.Conflict, e.Status);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        var table = await NewTableAsync();
        Assert.Null(await _tables.GetAsync(table, "p", "nope", Ct));
    }

    [Fact]
    public async Task GetAsync_MissingTable_ThrowsTableNotFound()
    {
        var e = await Assert.ThrowsAsync<StorageException>(() => _tables.GetAsync(AzuriteFixture.NewName("gone"), "p", "r", Ct));
        Assert.Equal("TableNotFound", e.ErrorCode);
    }

    [Fact]
    public async Task UpsertAsync_ReplacesWholeEntity()
    {
        var table = await NewTableAsync();
        var first = await _tables.UpsertAsync(table, Entity("p", "r", new JsonObject { ["A"] = 1, ["B"] = "b" }), Ct);
        var second = await _tables.UpsertAsync(table, Entity("p", "r", new JsonObject { ["A"] = 2 }), Ct);

        var read = await _tables.GetAsync(table, "p", "r", Ct);
        Assert.NotEqual(first, second);
        Assert.Equal(2, read!.Properties["A"]!.GetValue<int>());
        Assert.False(read.Properties.ContainsKey("B"));
    }

    [Fact]
    public async Task UpdateAsync_WithCurrentETag_Succeeds_StaleETag_ThrowsUpdateConditionNotSatisfied()
    {
        var table = await NewTableAsync();
        var v1 = await _tables.InsertAsync(table, Entity("p", "r", new JsonObject { ["N"] = 1 }), Ct);
        var v2 = await _tables.UpdateAsync(table, Entity("p", "r", new JsonObject { ["N"] = 2 }), v1, Ct);

        var e = await Assert.ThrowsAsync<StorageException>(() => _tables.UpdateAsync(table, Entity("p", "r", new JsonObject { ["N"] = 3 }), v1, Ct));

        Assert.NotEqual(v1, v2);
        Assert.Equal("UpdateConditionNotSatisfied", e.ErrorCode);
        Assert.True(e.IsPreconditionFailed);
        Assert.Equal(2, (await _tables.GetAsync(table, "p", "r", Ct))!.Properties["N"]!.GetValue<int>());
    }

    [Fact]
    public async Task UpdateAsync_Star_OnMissingEntity_ThrowsResourceNotFound()
    {
        var table = await NewTableAsync();
        var e = await Assert.ThrowsAsync<StorageException>(() => _tables.UpdateAsync(table, Entity("p", "r"), "*", Ct));
        Assert.Equal("ResourceNotFound", e.ErrorCode);
        Assert.True(e.IsNotFound);
    }

    [Fact]
    public async Task DeleteAsync_StaleETag_Throws_CurrentETag_Deletes()
    {
        var table = await NewTableAsync();
        var v1 = await _tables.InsertAsync(table, Entity("p", "r"), Ct);
        var v2 = await _tables.UpsertAsync(table, Entity("p", "r", new JsonObject { ["X"] = 1 }), Ct);

        var e = await Assert.ThrowsAsync<StorageException>(() => _tables.DeleteAsync(table, "p", "r", v1, Ct));
        Assert.Equal("UpdateConditionNotSatisfied", e.ErrorCode);

        await _tables.DeleteAsync(table, "p", "r", v2, Ct);
        Assert.Null(await _tables.GetAsync(table, "p", "r", Ct));
    }

    [Theory]
    [InlineData("o'brien", "it's")]
    [InlineData("space and ünïcode", "percent%20sign+plus")]
    [InlineData("a|b~c", "(paren)=,&;")]
    public async Task Keys_WithSpecialCharacters_RoundTrip(string pk, string rk)
    {
        var table = await NewTableAsync();
        await _tables.InsertAsync(table, Entity(pk, rk, new JsonObject { ["V"] = 1 }), Ct);

        var read = await _tables.GetAsync(table, pk, rk, Ct);
        Assert.Equal((pk, rk), (read!.PartitionKey, read.RowKey));
        var queried = Assert.Single(await _tables.QueryAsync(table, TableFilter.PartitionKeyEquals(pk), Ct).ToListAsync());
        Assert.Equal(rk, queried.RowKey);
        await _tables.DeleteAsync(table, pk, rk, "*", Ct);
    }

    [Fact]
    public async Task QueryPageAsync_WithTop_PagesWithContinuation()
    {
        var table = await NewTableAsync();
        for (var i = 0; i < 7; i++) await _tables.InsertAsync(table, Entity("p", $"r{i:D2}", new JsonObject { ["I"] = i }), Ct);

        var keys = new List<string>();
        TableContinuation? continuation = null;
        var pages = 0;
        do
        {
            var page = await _tables.QueryPageAsync(table, "PartitionKey eq 'p'", 3, continuation, Ct);
            Assert.True(page.Entities.Count <= 3);
            Assert.All(page.Entities, e => Assert.NotNull(e.ETag));
            keys.AddRange(page.Entities.Select(e => e.RowKey));
            continuation = page.Continuation;
            pages++;
        } while (continuation is not null);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"r{i:D2}"), keys);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task QueryAsync_MoreThan1000_FollowsContinuation()
    {
        var table = await NewTableAsync();
        // Upserts in parallel batches: 1,100 round trips one by one take long on a shared machine.
        foreach (var chunk in Enumerable.Range(0, 1100).Chunk(50))
            await Task.WhenAll(chunk.Select(i => _tables.UpsertAsync(table, Entity($"p{i % 3}", $"r{i:D5}", new JsonObject { ["I"] = i }), Ct)));

        var first = await _tables.QueryPageAsync(table, null, null, null, Ct);
        var all = await _tables.QueryAsync(table, null, Ct).ToListAsync();

        Assert.Equal(AzureTableService.MaxPageSize, first.Entities.Count);
        Assert.NotNull(first.Continuation);
        Assert.Equal(1100, all.Count);
        Assert.Equal(1100, all.Select(e => e.Properties["I"]!.GetValue<int>()).Distinct().Count());
    }

    [Fact]
    public async Task QueryAsync_Filter_OnTypedProperties()
    {
        var table = await NewTableAsync();
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
            await _tables.InsertAsync(table, Entity("p", $"r{i}", new JsonObject { ["Seq"] = 10_000_000_000L + i, ["At"] = t0.AddDays(i), ["Who"] = i % 2 == 0 ? "o'neil" : "ann" }), Ct);

        var bySeq = await _tables.QueryAsync(table, $"Seq ge {TableFilter.Literal(10_000_000_003L)}", Ct).ToListAsync();
        var byDate = await _tables.QueryAsync(table, $"At lt {TableFilter.Literal(t0.AddDays(2))}", Ct).ToListAsync();
        var byName = await _tables.QueryAsync(table, $"Who eq {TableFilter.Literal("o'neil")}", Ct).ToListAsync();

        Assert.Equal(["r3", "r4"], bySeq.Select(e => e.RowKey));
        Assert.Equal(["r0", "r1"], byDate.Select(e => e.RowKey));
        Assert.Equal(["r0", "r2", "r4"], byName.Select(e => e.RowKey));
    }

    [Fact]
    public async Task SecondClient_SeesTheSameETag()
    {
        var other = azurite.CreateTableService();
        var table = await NewTableAsync(other);
        var etag = await other.InsertAsync(table, Entity("p", "r"), Ct);
        Assert.Equal(etag, (await _tables.GetAsync(table, "p", "r", Ct))!.ETag);
    }

    [Fact]
    public async Task DeleteTableAsync_ThenInsert_ThrowsTableNotFound()
    {
        var table = await NewTableAsync();
        await _tables.DeleteTableAsync(table, Ct);

        var e = await Assert.ThrowsAsync<StorageException>(() => _tables.InsertAsync(table, Entity("p", "r"), Ct));
        Assert.Equal("TableNotFound", e.ErrorCode);
    }

    [Fact]
    public async Task InsertAsync_NestedObject_IsRejectedBeforeSending()
    {
        var table = await NewTableAsync();
        await Assert.ThrowsAsync<ArgumentException>(() =>
            _tables.InsertAsync(table, Entity("p", "r", new JsonObject { ["Nested"] = new JsonObject() }), Ct));
    }
}

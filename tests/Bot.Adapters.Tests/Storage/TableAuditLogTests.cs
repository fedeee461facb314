using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;

namespace Bot.Adapters.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class TableAuditLogTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly TableAuditLog _audit = new(azurite.CreateTableService(), new StorageOptions { AuditTable = AzuriteFixture.NewName("audit") });

    private static AuditEntry Entry(string service, string rolloutId, string action, int minute, string? reason = null) =>
        new(service, action, StoreData.Alice, reason, RolloutPhase.Progressing, RolloutPhase.WaitingApproval, StoreData.T0.AddMinutes(minute))
        {
            RolloutId = rolloutId,
        };

    [Fact]
    public async Task AppendAsync_ThenList_OldestFirst_FilteredByRollout()
    {
        await _audit.AppendAsync(Entry("checkout-api", "checkout-api-2", "approve", 5), Ct);
        await _audit.AppendAsync(Entry("checkout-api", "checkout-api-1", "start", 1), Ct);
        await _audit.AppendAsync(Entry("checkout-api", "checkout-api-2", "start", 3, "new version"), Ct);
        await _audit.AppendAsync(Entry("cart", "cart-1", "start", 2), Ct);

        var all = await _audit.ListAsync("checkout-api", null, Ct);
        var second = await _audit.ListAsync("checkout-api", "checkout-api-2", Ct);

        Assert.Equal(["start", "start", "approve"], all.Select(e => e.Action));
        Assert.Equal([Entry("checkout-api", "checkout-api-2", "start", 3, "new version"), Entry("checkout-api", "checkout-api-2", "approve", 5)], second);
    }

    [Fact]
    public async Task AppendAsync_SameEntryTwice_KeepsOne_DifferentEntrySameInstant_KeepsBoth()
    {
        await _audit.AppendAsync(Entry("checkout-api", "checkout-api-1", "approve", 1), Ct);
        await _audit.AppendAsync(Entry("checkout-api", "checkout-api-1", "approve", 1), Ct);
        await _audit.AppendAsync(Entry("checkout-api", "checkout-api-1", "rollback", 1), Ct);

        Assert.Equal(2, (await _audit.ListAsync("checkout-api", null, Ct)).Count);
    }
}

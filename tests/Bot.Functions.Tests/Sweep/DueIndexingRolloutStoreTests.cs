using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Sweep;
using Bot.TestKit;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Sweep;

/// <summary>The due rows go out with the state commit (in parallel, rows first): a commit that returned is indexed, even
/// when a row write failed on the way.</summary>
[Collection(SchedAzuriteCollection.Name)]
public sealed class DueIndexingRolloutStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Save_RowWriteFailsOnce_CommitReturnsAndTheRowIsThere()
    {
        var (store, index, inner, service) = Create(failures: 1);
        var state = Started(service);

        await store.SaveAsync(state, null, CancellationToken.None);

        Assert.Equal(1, index.Failed);
        Assert.NotNull(await inner.GetAsync(service, CancellationToken.None));
        Assert.Contains(await index.Inner.ListDueAsync(Start.AddDays(1), 100, CancellationToken.None), r => r.Service == service);
    }

    [Fact]
    public async Task Save_RowWritesKeepFailing_TheSaveFails()
    {
        var (store, index, _, service) = Create(failures: int.MaxValue);

        await Assert.ThrowsAsync<TimeoutException>(() => store.SaveAsync(Started(service), null, CancellationToken.None));
        Assert.True(index.Failed >= 2);
    }

    [Fact]
    public async Task Save_CommitLosesItsRace_ConflictPropagatesAndOnlyASpareRowIsLeft()
    {
        var (store, index, inner, service) = Create(failures: 0);
        var first = Started(service);
        await inner.SaveAsync(first, null, CancellationToken.None);

        // Written by someone else since this writer read it (no ETag: "must not exist").
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(first with { Sequence = 9 }, null, CancellationToken.None));
        Assert.Equal(first.Sequence, (await inner.GetAsync(service, CancellationToken.None))!.Value.Sequence);
        Assert.Contains(await index.Inner.ListDueAsync(Start.AddDays(1), 100, CancellationToken.None), r => r.Service == service);
    }

    private (DueIndexingRolloutStore Store, FlakyIndex Index, TableRolloutStore Inner, string Service) Create(int failures)
    {
        var tables = azurite.CreateTableService();
        var storage = new StorageOptions { RolloutsTable = AzuriteFixture.NewName("ro") };
        var inner = new TableRolloutStore(tables, storage);
        var index = new FlakyIndex(new TableDueIndex(tables, AzuriteFixture.NewName("due")), failures);
        var store = new DueIndexingRolloutStore(inner, index, new FakeTimeProvider(Start), Microsoft.Extensions.Options.Options.Create(new SweepOptions()));
        return (store, index, inner, "due-" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>A started rollout: effects pending and no step message yet, so the index needs a row.</summary>
    private static ServiceState Started(string service)
    {
        var config = SweepHarness.Config([new SetWeightStep(10), new ApprovalStep(), new PromoteStep()], service: service);
        var d = RolloutMachine.Decide(ServiceState.Empty(service), new StartRollout("1.0.0", config) { By = SweepHarness.Deployer }, Start);
        Assert.True(d.Accepted);
        return d.State with { Pending = d.Effects };
    }

    private sealed class FlakyIndex(TableDueIndex inner, int failures) : IDueIndex
    {
        private int _left = failures;
        public TableDueIndex Inner => inner;
        public int Failed { get; private set; }

        public async Task SetAsync(DueItem item, CancellationToken ct)
        {
            if (Interlocked.Decrement(ref _left) >= 0)
            {
                Failed++;
                await Task.Yield();
                throw new TimeoutException("the due table did not answer");
            }
            await inner.SetAsync(item, ct);
        }

        public Task RemoveAsync(DueItem item, CancellationToken ct) => inner.RemoveAsync(item, ct);
        public Task<IReadOnlyList<DueItem>> ListDueAsync(DateTimeOffset now, int max, CancellationToken ct) => inner.ListDueAsync(now, max, ct);
    }
}

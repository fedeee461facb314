using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Adapters.Tests.Storage;

[Collection(AzuriteFixture.Collection)]
public sealed class StorageServiceCollectionExtensionsTests(AzuriteFixture azurite)
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();

    [Fact]
    public async Task AddStorage_FromSettings_StoresWorkAgainstAzurite()
    {
        var table = AzuriteFixture.NewName("rollouts");
        await using var provider = Build(new()
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:RolloutsTable"] = table,
        });

        var store = provider.GetRequiredService<IRolloutStore>();
        await store.SaveAsync(StoreData.State("checkout-api", 1), null, CancellationToken.None);

        Assert.Equal(table, provider.GetRequiredService<StorageOptions>().RolloutsTable);
        Assert.Equal("audit", provider.GetRequiredService<StorageOptions>().AuditTable);
        Assert.NotNull(await azurite.CreateTableService().GetAsync(table, "state", "checkout-api", CancellationToken.None));
    }

    [Fact]
    public async Task AddStorage_MissingSetting_FailsNamingIt()
    {
        await using var provider = Build([]);
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IQueueService>());
        Assert.Contains("AzureWebJobsStorage", e.Message);
    }

    [Fact]
    public async Task AddStorage_BadKey_FailsWithoutEchoingIt()
    {
        await using var provider = Build(new() { ["AzureWebJobsStorage"] = "AccountName=a;AccountKey=s3cr3t!!" });
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ITableService>());
        Assert.Contains("'AccountKey' is not valid Base64", e.Message);
        Assert.DoesNotContain("s3cr3t", e.Message);
    }
}

using System.Net;
using Bot.Adapters.Storage;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Hosting;

[Collection(AzuriteFixture.Collection)]
public sealed class QueueListenerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Listener_MessageThatAlwaysFails_EndsInPoisonQueueWithItsReason()
    {
        using var root = new TestAppRoot(maxDequeueCount: 3);
        await using var app = new BotApplication(azurite, root);
        _ = app.Services; // starts the host and its listener
        var queues = azurite.CreateQueueService();
        await queues.CreateIfNotExistsAsync(root.Queue, CancellationToken.None);
        var sent = await queues.SendAsync(root.Queue, "{\"service\":\"checkout-api\"}", null, null, CancellationToken.None);

        var poison = QueueListener.PoisonQueueOf(root.Queue);
        IReadOnlyList<PeekedMessage> poisoned = [];
        for (var i = 0; i < 300 && poisoned.Count == 0; i++)
        {
            await Task.Delay(200);
            try { poisoned = await queues.PeekAsync(poison, 1, CancellationToken.None); }
            catch (StorageException e) when (e.Status == HttpStatusCode.NotFound) { }
        }

        var message = Assert.Single(poisoned);
        Assert.Equal("{\"service\":\"checkout-api\"}", message.Text);
        Assert.Empty(await queues.PeekAsync(root.Queue, 1, CancellationToken.None));
        var reason = await azurite.CreateTableService().GetAsync(QueueListener.PoisonTable, root.Queue, sent.MessageId, CancellationToken.None);
        Assert.NotNull(reason);
        Assert.Contains("rolloutId", (string)reason.Properties["Reason"]!, StringComparison.Ordinal);
        Assert.Equal(3L, (long)reason.Properties["DequeueCount"]!.GetValue<long>());
    }
}

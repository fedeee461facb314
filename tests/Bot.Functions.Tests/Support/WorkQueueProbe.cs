using Bot.Adapters.Storage;
using Bot.Functions.Standalone;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Support;

/// <summary>What the work-queue tests look at on Azurite: messages visible on a queue, and the poison reasons kept for it.</summary>
internal static class WorkQueueProbe
{
    /// <summary>Polls (asynchronous work on a shared, noisy machine); fails after a generous deadline.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("the expected queue state never appeared");
    }

    /// <summary>Waits until <paramref name="count"/> messages are visible on <paramref name="queue"/>; returns them.</summary>
    public static async Task<IReadOnlyList<PeekedMessage>> WaitForMessagesAsync(IQueueService queues, string queue, int count)
    {
        IReadOnlyList<PeekedMessage> seen = [];
        await WaitUntilAsync(async () => (seen = await queues.PeekAsync(queue, 32, CancellationToken.None)).Count == count);
        return seen;
    }

    /// <summary>The reasons the listener kept for the messages it moved from <paramref name="queue"/> to its poison queue.</summary>
    public static async Task<List<string?>> PoisonReasonsAsync(AzuriteFixture azurite, string queue)
    {
        var reasons = new List<string?>();
        await foreach (var row in azurite.CreateTableService().QueryAsync(QueueListener.PoisonTable, $"PartitionKey eq '{queue}'", CancellationToken.None))
            reasons.Add((string?)row.Properties["Reason"]);
        return reasons;
    }
}

using System.Collections.Concurrent;
using Bot.Adapters.Storage;
using Bot.Functions.Hosting;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Hosting;

/// <summary>A work queue whose function runs in the same process does what is put on it at once (no wait for the trigger's
/// next poll), deletes it when done, and hands it to the trigger at once when it fails.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class WorkQueuePromptRunTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Enqueue_FunctionInThisProcess_RunsAtOnceAndDeletesTheMessage()
    {
        var (queue, queues, function) = Build(fail: false);

        await queue.EnqueueAsync("{\"n\":1}", default);

        Assert.Equal("{\"n\":1}", await function.Done.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        await WaitUntilAsync(() => queues.Deleted.Count == 1);
        Assert.Empty(await queues.PeekAsync(queue.Queue, 1, default)); // invisible while it ran, then gone
    }

    [Fact]
    public async Task Enqueue_WithTheAcceptedWork_PromptRunGetsThatObject()
    {
        var (queue, _, function) = Build(fail: false);
        var accepted = new object();

        await queue.EnqueueAsync("{\"n\":4}", accepted, default);

        Assert.Equal("{\"n\":4}", await function.Done.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Same(accepted, function.Accepted);
    }

    [Fact]
    public async Task Enqueue_FunctionFails_MessageIsVisibleAtOnceForTheTriggerAndNotCountedAsADequeue()
    {
        var (queue, queues, function) = Build(fail: true);

        await queue.EnqueueAsync("{\"n\":2}", default);

        await function.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        IReadOnlyList<QueueMessage> received = [];
        await WaitUntilAsync(async () => (received = await queues.ReceiveAsync(queue.Queue, 1, TimeSpan.FromSeconds(30), default)).Count == 1);
        Assert.Equal("{\"n\":2}", received[0].Text);
        Assert.Equal(1, received[0].DequeueCount); // the trigger's first attempt: its retries and poison rules apply in full
        Assert.Empty(queues.Deleted);
    }

    [Fact]
    public async Task Enqueue_PutFails_ButTheWorkWasDoneHere_IsAccepted()
    {
        var (queue, queues, function) = Build(fail: false);
        queues.FailSends = true;

        await queue.EnqueueAsync("{\"n\":6}", default);

        Assert.Equal(["{\"n\":6}"], function.Messages); // done before the put's failure was answered
    }

    [Fact]
    public async Task Enqueue_PutFails_AndTheWorkFailed_ThrowsThePutsFailure()
    {
        var (queue, queues, function) = Build(fail: true);
        queues.FailSends = true;

        var thrown = await Assert.ThrowsAsync<StorageException>(() => queue.EnqueueAsync("{\"n\":7}", default));

        Assert.Equal("ServerBusy", thrown.ErrorCode);
    }

    [Fact]
    public async Task Enqueue_RunTriggersOff_LeavesTheMessageVisibleForAnotherProcess()
    {
        var (queue, queues, function) = Build(fail: false, runTriggers: false);

        await queue.EnqueueAsync("{\"n\":3}", default);

        Assert.Single(await queues.PeekAsync(queue.Queue, 1, default));
        Assert.False(function.Done.Task.IsCompleted);
    }

    [Fact]
    public async Task RunOrEnqueue_DoneWithinTheBudget_IsDoneAndNothingIsPut()
    {
        var (queue, queues, function) = Build(fail: false);

        Assert.Equal(WorkHandOff.Done, await queue.RunOrEnqueueAsync("{\"n\":7}", null, TimeSpan.FromSeconds(20), default));

        Assert.Equal("{\"n\":7}", Assert.Single(function.Messages));
        Assert.Equal(0, queues.Sends); // the work's own commit is its record: no queue round trip before the answer
    }

    [Fact]
    public async Task RunOrEnqueue_WorkFails_IsPutVisibleForTheTriggersRetries()
    {
        var (queue, queues, _) = Build(fail: true);

        Assert.Equal(WorkHandOff.Queued, await queue.RunOrEnqueueAsync("{\"n\":8}", null, TimeSpan.FromSeconds(20), default));

        var received = await queues.ReceiveAsync(queue.Queue, 1, TimeSpan.FromSeconds(30), default);
        Assert.Equal(("{\"n\":8}", 1L), (Assert.Single(received).Text, received[0].DequeueCount));
    }

    [Fact]
    public async Task RunOrEnqueue_WorkOutlastsTheBudget_IsAnsweredQueuedUnderALeaseAndDeletedWhenTheRunEnds()
    {
        var (queue, queues, function) = Build(fail: false, hold: true);

        Assert.Equal(WorkHandOff.Queued, await queue.RunOrEnqueueAsync("{\"n\":9}", null, TimeSpan.FromMilliseconds(100), default));

        // Still running here: the copy is on the queue, invisible to the trigger while this process holds the lease.
        Assert.Equal(1, queues.Sends);
        Assert.Empty(await queues.PeekAsync(queue.Queue, 1, default));
        Assert.Empty(queues.Deleted);
        function.Release.SetResult();
        await WaitUntilAsync(() => queues.Deleted.Count == 1);
        Assert.Single(function.Messages); // done once, here
    }

    [Fact]
    public async Task RunOrEnqueue_FunctionNotInThisProcess_OnlyPutsIt()
    {
        var (queue, queues, function) = Build(fail: false, runTriggers: false);

        Assert.Equal(WorkHandOff.Queued, await queue.RunOrEnqueueAsync("{\"n\":10}", null, TimeSpan.FromSeconds(20), default));

        Assert.Equal("{\"n\":10}", Assert.Single(await queues.PeekAsync(queue.Queue, 1, default)).Text);
        Assert.Empty(function.Messages);
    }

    private (TestQueue Queue, RecordingQueues Queues, TestFunction Function) Build(bool fail, bool runTriggers = true, bool hold = false)
    {
        var queues = new RecordingQueues(azurite.CreateQueueService());
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Bot:RunTriggers"] = runTriggers ? "true" : "false" }).Build());
        services.AddSingleton<IQueueService>(queues);
        services.AddSingleton(sp => new TestFunction(sp.GetRequiredService<IServiceScopeFactory>(), fail, hold));
        var name = AzuriteFixture.NewName("prompt");
        services.TryAddWorkQueue<TestQueue, TestFunction>("Test", name, (q, n) => new TestQueue(q, n));
        var sp = services.BuildServiceProvider();
        return (sp.GetRequiredService<TestQueue>(), queues, sp.GetRequiredService<TestFunction>());
    }

    private static async Task WaitUntilAsync(Func<bool> done) => await WaitUntilAsync(() => Task.FromResult(done()));

    private static async Task WaitUntilAsync(Func<Task<bool>> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !await done(); await Task.Delay(50))
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the queue never reached the expected state");
    }

    public sealed class TestQueue(IQueueService queues, string queue) : WorkQueue(queues, queue);

    public sealed class TestFunction(IServiceScopeFactory scopes, bool fail, bool hold = false) : WorkQueueFunction(scopes)
    {
        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>With <c>hold</c>, the work waits for this before it ends.</summary>
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public object? Accepted { get; private set; }
        public ConcurrentQueue<string> Messages { get; } = new();
        public override string FunctionName => "Test";

        protected override async Task<string> DoAsync(string message, object? accepted, IServiceProvider services, CancellationToken ct)
        {
            Accepted = accepted;
            Messages.Enqueue(message);
            Done.TrySetResult(message);
            if (hold) await Release.Task;
            return fail ? throw new InvalidOperationException("the work failed") : "done";
        }
    }

    /// <summary>Azurite's queue service, recording deletes.</summary>
    private sealed class RecordingQueues(IQueueService inner) : IQueueService
    {
        public ConcurrentQueue<string> Deleted { get; } = new();
        public Task CreateIfNotExistsAsync(string queue, CancellationToken ct) => inner.CreateIfNotExistsAsync(queue, ct);
        public Task DeleteQueueAsync(string queue, CancellationToken ct) => inner.DeleteQueueAsync(queue, ct);
        /// <summary>Makes puts fail as storage does when it is down (after the queue exists).</summary>
        public bool FailSends { get; set; }
        /// <summary>Puts asked for.</summary>
        public int Sends => _sends;
        private int _sends;
        public Task<SentMessage> SendAsync(string queue, string text, TimeSpan? visibilityDelay, TimeSpan? timeToLive, CancellationToken ct) =>
            Interlocked.Increment(ref _sends) > 0 && FailSends ? Task.FromException<SentMessage>(new StorageException(System.Net.HttpStatusCode.ServiceUnavailable, "ServerBusy", "storage is down"))
                : inner.SendAsync(queue, text, visibilityDelay, timeToLive, ct);
        public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken ct) =>
            inner.ReceiveAsync(queue, maxMessages, visibilityTimeout, ct);
        public Task<IReadOnlyList<PeekedMessage>> PeekAsync(string queue, int maxMessages, CancellationToken ct) => inner.PeekAsync(queue, maxMessages, ct);
        public async Task DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken ct)
        {
            await inner.DeleteMessageAsync(queue, messageId, popReceipt, ct);
            Deleted.Enqueue(messageId);
        }
        public Task<UpdateReceipt> UpdateMessageAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? newText, CancellationToken ct) =>
            inner.UpdateMessageAsync(queue, messageId, popReceipt, visibilityTimeout, newText, ct);
        public Task ClearAsync(string queue, CancellationToken ct) => inner.ClearAsync(queue, ct);
    }
}

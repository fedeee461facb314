using System.Collections.Concurrent;
using Bot.Adapters.Storage;
using Bot.Functions.Hosting;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Hosting;

/// <summary>A work queue whose handler runs in the same process does what is put on it at once (no wait for the trigger's
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
        var accepted = new TestWork("{\"n\":4}");

        await queue.EnqueueAsync(accepted, default);

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
    public async Task Enqueue_NoHandlerInThisProcess_LeavesTheMessageToTheTrigger_WhichFailsWithTheReason()
    {
        var (queue, queues, _) = Build(fail: false, handler: false);

        await queue.EnqueueAsync("{\"n\":5}", default);

        Assert.False(queue.RunsHere);
        Assert.Equal("{\"n\":5}", Assert.Single(await queues.PeekAsync(queue.Queue, 1, default)).Text);
        // What the trigger does with it: fails with the reason, so the message ends in the poison queue saying why.
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.RunAsync("{\"n\":5}", null, default));
        Assert.Contains("Test is off", thrown.Message);
    }

    [Fact]
    public async Task Run_BadMessage_FailsWithWhatIsWrongAndDoesNothing()
    {
        var (queue, _, function) = Build(fail: false);

        var thrown = await Assert.ThrowsAsync<FormatException>(() => queue.RunAsync("not json", null, default));

        Assert.Contains("not a test message", thrown.Message);
        Assert.Empty(function.Messages);
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

    private (WorkQueue<TestWork> Queue, RecordingQueues Queues, TestHandler Function) Build(bool fail, bool runTriggers = true, bool hold = false, bool handler = true)
    {
        var queues = new RecordingQueues(azurite.CreateQueueService());
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Bot:RunTriggers"] = runTriggers ? "true" : "false" }).Build());
        services.AddSingleton<IQueueService>(queues);
        var work = new TestHandler(fail, hold);
        if (handler) services.AddSingleton<IWorkHandler<TestWork>>(work);
        var name = AzuriteFixture.NewName("prompt");
        services.TryAddWorkQueue<TestWork>("Test", name, promptRuns: true, noHandler: "Test is off");
        var sp = services.BuildServiceProvider();
        return (sp.GetRequiredService<WorkQueue<TestWork>>(), queues, work);
    }

    private static async Task WaitUntilAsync(Func<bool> done) => await WaitUntilAsync(() => Task.FromResult(done()));

    private static async Task WaitUntilAsync(Func<Task<bool>> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !await done(); await Task.Delay(50))
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the queue never reached the expected state");
    }

    public sealed record TestWork(string Text) : IWorkMessage<TestWork>
    {
        public string ToJson() => Text;
        public static TestWork Parse(string text) =>
            text.StartsWith('{') ? new(text) : throw new FormatException($"not a test message: {text}");
    }

    public sealed class TestHandler(bool fail, bool hold = false) : IWorkHandler<TestWork>
    {
        public TaskCompletionSource<string> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>With <c>hold</c>, the work waits for this before it ends.</summary>
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TestWork? Accepted { get; private set; }
        public ConcurrentQueue<string> Messages { get; } = new();

        public async Task<string> HandleAsync(TestWork work, CancellationToken ct)
        {
            Accepted = work;
            var message = work.Text;
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

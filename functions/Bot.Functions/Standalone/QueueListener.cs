using System.Text.Json.Nodes;
using Bot.Adapters.Storage;
using Bot.Functions.Hosting;

namespace Bot.Functions.Standalone;

/// <summary>
/// Standalone mode's stand-in for the Functions queue trigger, for one queue-triggered function: <paramref name="handle"/>
/// runs the function on a message's text (throws when it failed). It follows the
/// host's rules from host.json: up to <c>batchSize</c> messages per poll handled in parallel; a failed message is
/// made visible again after <c>visibilityTimeout</c>; after <c>maxDequeueCount</c> attempts it moves to
/// <c>&lt;queue&gt;-poison</c>, and the reason is logged and kept in the <c>poisonmessages</c> table; empty polls
/// back off exponentially (with jitter) up to <c>maxPollingInterval</c>. Work that outlives the lease has its
/// lease extended, as the host does.
/// </summary>
public sealed class QueueListener(
    FunctionDefinition function,
    QueueHostOptions options,
    Func<string, CancellationToken, Task> handle,
    IQueueService queues,
    ITableService tables,
    TimeProvider time,
    ILogger<QueueListener> log) : BackgroundService
{
    /// <summary>Table keeping why each poisoned message failed: PartitionKey = queue, RowKey = message id.</summary>
    public const string PoisonTable = "poisonmessages";

    /// <summary>How long a received message stays invisible before its lease is extended. Matches the host's 10 min
    /// lease, renewed at half-time, scaled down so a killed process's messages come back quickly.</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MinPolling = TimeSpan.FromMilliseconds(100);

    private string Queue => function.QueueName!;

    public static string PoisonQueueOf(string queue) => queue + "-poison";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WaitForStorageAsync(stoppingToken);
        var delay = MinPolling;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> batch;
            try
            {
                batch = await queues.ReceiveAsync(Queue, options.BatchSize, Lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogWarning("{Function}: polling {Queue} failed: {Error}", function.Name, Queue, ex.Message);
                batch = [];
                delay = options.MaxPollingInterval;
            }

            if (batch.Count > 0)
            {
                delay = MinPolling;
                await Task.WhenAll(batch.Select(m => ProcessAsync(m, stoppingToken)));
                continue;
            }

            try { await Task.Delay(Jitter(delay), time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
        }
    }

    private async Task WaitForStorageAsync(CancellationToken ct)
    {
        for (var wait = TimeSpan.FromMilliseconds(200); !ct.IsCancellationRequested; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(10).Ticks)))
        {
            try
            {
                await queues.CreateIfNotExistsAsync(Queue, ct);
                await queues.CreateIfNotExistsAsync(PoisonQueueOf(Queue), ct);
                await tables.CreateTableIfNotExistsAsync(PoisonTable, ct);
                log.LogInformation("{Function}: listening on queue {Queue} (batch {Batch}, max dequeue {Max}, max polling {Polling})",
                    function.Name, Queue, options.BatchSize, options.MaxDequeueCount, options.MaxPollingInterval);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                log.LogWarning("{Function}: storage not reachable yet ({Error}); retrying in {Wait}", function.Name, ex.Message, wait);
                try { await Task.Delay(wait, time, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken ct)
    {
        var receipt = new ReceiptHolder(message.PopReceipt);
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            // Delivered more often than allowed without a recorded failure: the process died while handling it.
            await PoisonAsync(message, receipt, $"dequeued {message.DequeueCount} times (max {options.MaxDequeueCount}); earlier attempts did not finish", ct);
            return;
        }

        using var leaseCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewal = RenewLeaseAsync(message, receipt, leaseCts.Token);
        Exception? failure = null;
        try
        {
            await handle(message.Text, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            failure = ex;
        }
        catch (OperationCanceledException)
        {
            // Shutting down: leave the message; it becomes visible again when the lease ends.
            await leaseCts.CancelAsync();
            await renewal;
            return;
        }
        await leaseCts.CancelAsync();
        await renewal;

        try
        {
            if (failure is null)
            {
                await queues.DeleteMessageAsync(Queue, message.MessageId, receipt.Value, CancellationToken.None);
            }
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await PoisonAsync(message, receipt, failure.Message, CancellationToken.None);
            }
            else
            {
                log.LogWarning(failure, "{Function}: message {Id} failed (attempt {Attempt} of {Max}); retrying in {Delay}",
                    function.Name, message.MessageId, message.DequeueCount, options.MaxDequeueCount, options.VisibilityTimeout);
                await queues.UpdateMessageAsync(Queue, message.MessageId, receipt.Value, options.VisibilityTimeout, null, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            // The lease ends by itself and the message comes back; at-least-once delivery covers this.
            log.LogWarning("{Function}: could not settle message {Id}: {Error}", function.Name, message.MessageId, ex.Message);
        }
    }

    private async Task PoisonAsync(QueueMessage message, ReceiptHolder receipt, string reason, CancellationToken ct)
    {
        var poison = PoisonQueueOf(Queue);
        log.LogError("{Function}: message {Id} moved to {Poison} after {Count} attempts: {Reason}",
            function.Name, message.MessageId, poison, message.DequeueCount, reason);
        await tables.UpsertAsync(PoisonTable, new TableEntity(Queue, message.MessageId, new JsonObject
        {
            ["Function"] = function.Name,
            ["Text"] = message.Text.Length > 30_000 ? message.Text[..30_000] : message.Text,
            ["Reason"] = reason.Length > 30_000 ? reason[..30_000] : reason,
            ["DequeueCount"] = message.DequeueCount,
            ["PoisonedAt"] = time.GetUtcNow(),
        }), ct);
        // The original text, as the Functions host writes it, so poison tooling can replay it.
        await queues.SendAsync(poison, message.Text, null, null, ct);
        await queues.DeleteMessageAsync(Queue, message.MessageId, receipt.Value, ct);
    }

    private async Task RenewLeaseAsync(QueueMessage message, ReceiptHolder receipt, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 2, time, ct);
                var updated = await queues.UpdateMessageAsync(Queue, message.MessageId, receipt.Value, Lease, null, ct);
                receipt.Value = updated.PopReceipt;
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception ex)
        {
            log.LogWarning("{Function}: could not extend the lease of message {Id}: {Error}", function.Name, message.MessageId, ex.Message);
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => TimeSpan.FromTicks((long)(delay.Ticks * (0.8 + Random.Shared.NextDouble() * 0.4)));

    private sealed class ReceiptHolder(string value)
    {
        public string Value { get; set; } = value;
    }
}

using Bot.Adapters.Storage;

namespace Bot.Functions.Hosting;

/// <summary>
/// Durable hand-off from an HTTP endpoint that must answer quickly (style rule G3: verify, translate, enqueue, 202) to
/// the queue-triggered function that does the work. Once <see cref="EnqueueAsync(string, CancellationToken)"/> returns,
/// the message survives a crash or recycle of this process (or, in a prompt run whose put failed, its work is already
/// done); the queue trigger retries failures and moves what keeps failing to <c>&lt;queue&gt;-poison</c>. <see cref="WorkQueue{TWork}"/> is the typed put every area uses (<c>slack-work</c>, <c>github-work</c>, <c>notifications</c>).
/// </summary>
/// <remarks>
/// <b>Prompt run.</b> When the queue's own function is registered in this process (<see cref="Runner"/>), a message is put
/// invisible for <see cref="PromptLease"/> — a lease this process holds from the moment it exists — and done here at once,
/// in the background, starting while the put is on its way, instead of waiting for the trigger's next poll (up to
/// <c>maxPollingInterval</c>, 2 s). Success deletes it; a failure makes it visible again at once for the trigger's retries
/// and poison rules; a crash leaves it to the trigger when the lease ends. The lease is renewed while the work runs, as the
/// trigger does. When the put fails, the caller is told so (and gives its claim back) unless the work succeeded here. So an
/// approve typed in Slack or a PR comment reaches the cluster with no queue round trip before it, not one poll later.
/// </remarks>
public class WorkQueue(IQueueService queues, string queue)
{
    /// <summary>How long a promptly run message stays invisible to the trigger before its lease is renewed or ends.</summary>
    public static readonly TimeSpan PromptLease = TimeSpan.FromSeconds(30);

    private volatile bool _created;

    /// <summary>The queue's name.</summary>
    public string Queue => queue;

    /// <summary>The function that consumes this queue, when it runs in this process: messages are then run promptly
    /// (see remarks). Set once, by registration.</summary>
    public WorkQueueFunction? Runner { get; internal set; }

    /// <summary>Where prompt runs report failures.</summary>
    public ILogger? Log { get; internal set; }

    /// <summary>Puts <paramref name="message"/> on the queue (creating the queue on first use; a failed create is retried
    /// next time) and, with a <see cref="Runner"/>, starts doing it here. Messages never expire. Throws when storage does
    /// not accept it.</summary>
    public Task EnqueueAsync(string message, CancellationToken ct) => EnqueueAsync(message, null, null, ct);

    /// <summary>As <see cref="EnqueueAsync(string, CancellationToken)"/>; a prompt run gets <paramref name="accepted"/>, the
    /// work object <paramref name="message"/> was serialized from (see <see cref="WorkQueueFunction.RunAsync"/>).</summary>
    public Task EnqueueAsync(string message, object? accepted, CancellationToken ct) => EnqueueAsync(message, accepted, null, ct);

    /// <summary>As <see cref="EnqueueAsync(string, CancellationToken)"/>, visible only after <paramref name="visibleAfter"/>
    /// (a retry that honours a vendor's Retry-After); such a message is left to the trigger.</summary>
    public Task EnqueueAsync(string message, TimeSpan? visibleAfter, CancellationToken ct) => EnqueueAsync(message, null, visibleAfter, ct);

    private async Task EnqueueAsync(string message, object? accepted, TimeSpan? visibleAfter, CancellationToken ct)
    {
        if (!_created)
        {
            await queues.CreateIfNotExistsAsync(queue, ct);
            _created = true;
        }
        if (visibleAfter is null && Runner is { } runner)
        {
            // The work starts while its message is being put (one storage round trip less before an approve reaches the
            // cluster); the message, invisible for the prompt lease, is the copy a crash or a failure leaves to the trigger.
            var send = queues.SendAsync(queue, message, PromptLease, Timeout.InfiniteTimeSpan, ct);
            var run = Task.Run(() => runner.RunAsync(message, accepted, CancellationToken.None));
            _ = SettleAsync(runner, send, run);
            try
            {
                await send;
            }
            catch (Exception putFailed) when (putFailed is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                // Not queued: accepted all the same when the work was done here (nothing is left for a queue to do);
                // otherwise the put's failure is the caller's, who gives its claim back so the sender's retry is processed.
                try
                {
                    await run;
                }
                catch (Exception)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(putFailed);
                }
                Log?.LogWarning(putFailed, "{Function}: the message could not be put on {Queue}, but its work was done here: {Error}",
                    runner.FunctionName, queue, putFailed.Message);
            }
            return;
        }
        await queues.SendAsync(queue, message, visibleAfter, Timeout.InfiniteTimeSpan, ct);
    }

    /// <summary>Once the prompt run ends: deletes its message when it succeeded; when it failed, makes the message visible
    /// at once for the trigger's retries and poison rules. The lease is renewed while the work runs. Without a message (the
    /// put failed) there is nothing to settle.</summary>
    private async Task SettleAsync(WorkQueueFunction runner, Task<SentMessage> send, Task run)
    {
        SentMessage sent;
        try
        {
            sent = await send;
        }
        catch (Exception)
        {
            await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return;
        }
        var receipt = sent.PopReceipt;
        using var leaseCts = new CancellationTokenSource();
        var renewal = RenewAsync();
        Exception? failure = null;
        try
        {
            await run;
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        await leaseCts.CancelAsync();
        await renewal;
        try
        {
            if (failure is null)
            {
                await queues.DeleteMessageAsync(queue, sent.MessageId, receipt, CancellationToken.None);
            }
            else
            {
                Log?.LogWarning(failure, "{Function}: prompt run of message {Id} failed; the queue trigger retries it: {Error}",
                    runner.FunctionName, sent.MessageId, failure.Message);
                await queues.UpdateMessageAsync(queue, sent.MessageId, receipt, TimeSpan.Zero, null, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            // The lease ends by itself and the trigger takes the message: at-least-once delivery covers this.
            Log?.LogWarning("{Function}: could not settle promptly run message {Id}: {Error}", runner.FunctionName, sent.MessageId, ex.Message);
        }

        async Task RenewAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(PromptLease / 2, leaseCts.Token);
                    receipt = (await queues.UpdateMessageAsync(queue, sent.MessageId, receipt, PromptLease, null, leaseCts.Token)).PopReceipt;
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception ex)
            {
                Log?.LogWarning("{Function}: could not extend the lease of message {Id}: {Error}", runner.FunctionName, sent.MessageId, ex.Message);
            }
        }
    }
}

/// <summary>The <see cref="WorkQueue"/> of one kind of work: puts <typeparamref name="TWork"/> as its JSON (registered per kind,
/// so <c>WorkQueue&lt;SlackWork&gt;</c> is the <c>slack-work</c> queue). In this file with its base, as <c>Nullable</c> is.</summary>
public sealed class WorkQueue<TWork>(IQueueService queues, string queue) : WorkQueue(queues, queue) where TWork : IWorkMessage
{
    /// <summary>The longest a queue message can stay invisible.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>Puts <paramref name="work"/> on the queue (a prompt run gets the object itself). Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(TWork work, CancellationToken ct) => EnqueueAsync(work.ToJson(), work, ct);

    /// <summary>Puts <paramref name="work"/> on the queue visible after <paramref name="visibleAfter"/> (null: now), at most 7 days
    /// (the queue's limit; a later due time is reached by putting the work again when it comes up early).</summary>
    public Task EnqueueAsync(TWork work, TimeSpan? visibleAfter, CancellationToken ct) => visibleAfter is not { } after
        ? EnqueueAsync(work, ct)
        : EnqueueAsync(work.ToJson(), (TimeSpan?)(after < TimeSpan.Zero ? TimeSpan.Zero : after > MaxVisibility ? MaxVisibility : after), ct);
}

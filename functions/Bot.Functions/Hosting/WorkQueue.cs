using Bot.Adapters.Storage;

namespace Bot.Functions.Hosting;

/// <summary>
/// Durable hand-off from an HTTP endpoint that must answer quickly (style rule G3: verify, translate, enqueue, 202) to
/// the queue-triggered function that does the work. Once <see cref="EnqueueAsync(string, CancellationToken)"/> returns,
/// the message survives a crash or recycle of this process (or, in a prompt run whose put failed, its work is already
/// done); the queue trigger retries failures and moves what keeps failing to <c>&lt;queue&gt;-poison</c>. <see cref="WorkQueue{TWork}"/> is the typed queue every area uses (<c>slack-work</c>, <c>github-work</c>, <c>notifications</c>, <c>rollout-steps</c>): its trigger and the runs here do its work with the <see cref="IWorkHandler{TWork}"/> registered for it.
/// </summary>
/// <remarks>
/// <b>Prompt run.</b> When the queue's handler is registered in this process (<see cref="RunsHere"/>), a message is put
/// invisible for <see cref="PromptLease"/> — a lease this process holds from the moment it exists — and done here at once,
/// in the background, starting while the put is on its way, instead of waiting for the trigger's next poll (up to
/// <c>maxPollingInterval</c>, 1 s). Success deletes it; a failure makes it visible again at once for the trigger's retries
/// and poison rules; a crash leaves it to the trigger when the lease ends. The lease is renewed while the work runs, as the
/// trigger does. When the put fails, the caller is told so unless the work succeeded here. Endpoints whose sender waits for
/// the answer use <see cref="RunOrEnqueueAsync(string, object?, TimeSpan, CancellationToken)"/> instead, which puts nothing
/// when the work is done within their answer budget: an approve typed in Slack or a PR comment reaches the cluster with no
/// queue round trip before it.
/// </remarks>
public abstract class WorkQueue(IQueueService queues, string queue)
{
    /// <summary>How long a promptly run message stays invisible to the trigger before its lease is renewed or ends.</summary>
    public static readonly TimeSpan PromptLease = TimeSpan.FromSeconds(30);

    private volatile bool _created;

    /// <summary>The queue's name.</summary>
    public string Queue => queue;

    /// <summary>True when the queue's handler runs in this process and prompt runs are on: messages are then done here at
    /// once (see remarks). Set once, by registration.</summary>
    public bool RunsHere { get; internal set; }

    /// <summary>Where outcomes and prompt runs' failures are logged.</summary>
    public ILogger? Log { get; internal set; }

    /// <summary>Does one message here, as the queue's trigger does: parses it (or takes <paramref name="accepted"/>, the
    /// work object it was made from, when it runs in the process that accepted it; that object may carry what the
    /// endpoint already read, never anything the message lacks), does it with the queue's handler in a fresh DI scope, and
    /// logs the outcome. Throws when the work failed, so the trigger retries it and finally poisons it with the reason.</summary>
    public abstract Task<string> RunAsync(string message, object? accepted, CancellationToken ct);

    /// <summary>Puts <paramref name="message"/> on the queue (creating the queue on first use; a failed create is retried
    /// next time) and, when it <see cref="RunsHere"/>, starts doing it here. Messages never expire. Throws when storage does
    /// not accept it.</summary>
    public Task EnqueueAsync(string message, CancellationToken ct) => EnqueueAsync(message, null, null, ct);

    /// <summary>As <see cref="EnqueueAsync(string, CancellationToken)"/>; a prompt run gets <paramref name="accepted"/>, the
    /// work object <paramref name="message"/> was serialized from (see <see cref="RunAsync"/>).</summary>
    public Task EnqueueAsync(string message, object? accepted, CancellationToken ct) => EnqueueAsync(message, accepted, null, ct);

    /// <summary>As <see cref="EnqueueAsync(string, CancellationToken)"/>, visible only after <paramref name="visibleAfter"/>
    /// (a retry that honours a vendor's Retry-After); such a message is left to the trigger.</summary>
    public Task EnqueueAsync(string message, TimeSpan? visibleAfter, CancellationToken ct) => EnqueueAsync(message, null, visibleAfter, ct);

    private async Task EnqueueAsync(string message, object? accepted, TimeSpan? visibleAfter, CancellationToken ct)
    {
        await EnsureCreatedAsync(ct);
        if (visibleAfter is null && RunsHere)
        {
            // The work starts while its message is being put (one storage round trip less before an approve reaches the
            // cluster); the message, invisible for the prompt lease, is the copy a crash or a failure leaves to the trigger.
            var run = Task.Run(() => RunAsync(message, accepted, CancellationToken.None));
            await LeaseToAsync(message, run, ct);
            return;
        }
        await queues.SendAsync(queue, message, visibleAfter, Timeout.InfiniteTimeSpan, ct);
    }

    /// <summary>
    /// For an endpoint whose sender waits for the answer (Slack's 3 s, GitHub's 10 s): does the work here first, and puts
    /// it on the queue only when it needs the queue. Done within <paramref name="budget"/>: nothing is put (the work's
    /// commit is its durable record, and the delivery id it carries makes a sender's retry a no-op). Failed within it: put
    /// visible at once, for the trigger's retries and poison rules. Still running: put invisible for the prompt lease and
    /// settled when the run ends, as <see cref="EnqueueAsync(string, CancellationToken)"/> does. A crash before the answer
    /// leaves nothing half-accepted: the sender saw no answer and its retry is acted on. When the work does not
    /// <see cref="RunsHere"/>, it is only put. Throws when the work needed the queue and storage did not take it.
    /// </summary>
    public Task<WorkHandOff> RunOrEnqueueAsync(string message, object? accepted, TimeSpan budget, CancellationToken ct) =>
        RunOrEnqueueAsync(message, () => Task.FromResult(message), accepted, budget, ct);

    /// <summary>Runs <paramref name="message"/> (with <paramref name="accepted"/>) here; <paramref name="prepare"/> gives the
    /// message to put when the queue is needed.</summary>
    private protected async Task<WorkHandOff> RunOrEnqueueAsync(string message, Func<Task<string>> prepare, object? accepted, TimeSpan budget, CancellationToken ct)
    {
        if (!RunsHere)
        {
            await EnqueueAsync(await prepare(), null, null, ct);
            return WorkHandOff.Queued;
        }
        var run = Task.Run(() => RunAsync(message, accepted, CancellationToken.None));
        bool finished;
        using (var timer = new CancellationTokenSource())
        {
            finished = await Task.WhenAny(run, Task.Delay(budget, timer.Token)) == run;
            await timer.CancelAsync(); // the budget's timer is not left running once the work is done
        }
        if (finished && run.IsCompletedSuccessfully) return WorkHandOff.Done;
        await EnsureCreatedAsync(CancellationToken.None);
        if (finished)
        {
            Log?.LogWarning(run.Exception?.GetBaseException(), "{Queue}: work run before the answer failed; put on the queue for the trigger's retries: {Error}",
                queue, run.Exception?.GetBaseException().Message);
            await queues.SendAsync(queue, await prepare(), null, Timeout.InfiniteTimeSpan, CancellationToken.None);
            return WorkHandOff.Queued;
        }
        // The run keeps going after the answer; its copy is put regardless of the caller's token (the sender may have hung up).
        await LeaseToAsync(await prepare(), run, CancellationToken.None);
        return WorkHandOff.Queued;
    }

    private async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (_created) return;
        await queues.CreateIfNotExistsAsync(queue, ct);
        _created = true;
    }

    /// <summary>Puts <paramref name="message"/> invisible for the prompt lease of <paramref name="run"/>, which settles it
    /// (<see cref="SettleAsync"/>). When the put fails, the work is accepted all the same if the run succeeds (nothing is left
    /// for a queue to do); otherwise the put's failure is the caller's.</summary>
    private async Task LeaseToAsync(string message, Task run, CancellationToken ct)
    {
        var send = queues.SendAsync(queue, message, PromptLease, Timeout.InfiniteTimeSpan, ct);
        _ = SettleAsync(send, run);
        try
        {
            await send;
        }
        catch (Exception putFailed) when (putFailed is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            try
            {
                await run;
            }
            catch (Exception)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(putFailed);
            }
            Log?.LogWarning(putFailed, "{Queue}: the message could not be put on the queue, but its work was done here: {Error}",
                queue, putFailed.Message);
        }
    }

    /// <summary>Once the prompt run ends: deletes its message when it succeeded; when it failed, makes the message visible
    /// at once for the trigger's retries and poison rules. The lease is renewed while the work runs. Without a message (the
    /// put failed) there is nothing to settle.</summary>
    private async Task SettleAsync(Task<SentMessage> send, Task run)
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
                Log?.LogWarning(failure, "{Queue}: prompt run of message {Id} failed; the queue trigger retries it: {Error}",
                    queue, sent.MessageId, failure.Message);
                await queues.UpdateMessageAsync(queue, sent.MessageId, receipt, TimeSpan.Zero, null, CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            // The lease ends by itself and the trigger takes the message: at-least-once delivery covers this.
            Log?.LogWarning("{Queue}: could not settle promptly run message {Id}: {Error}", queue, sent.MessageId, ex.Message);
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
                Log?.LogWarning("{Queue}: could not extend the lease of message {Id}: {Error}", queue, sent.MessageId, ex.Message);
            }
        }
    }
}

/// <summary>The <see cref="WorkQueue"/> of one kind of work: puts <typeparamref name="TWork"/> as its JSON and does it with the
/// <see cref="IWorkHandler{TWork}"/> registered for it (registered per kind, so <c>WorkQueue&lt;SlackWork&gt;</c> is the
/// <c>slack-work</c> queue, and its trigger calls <see cref="WorkQueue.RunAsync"/>). In this file with its base, as
/// <c>Nullable</c> is. Without <paramref name="scopes"/> it only puts (a test's or a benchmark's queue).</summary>
/// <param name="noHandler">Why no handler may be registered (<c>Slack is off …</c>): the reason a message that arrives
/// anyway fails with, and is poisoned with.</param>
public sealed class WorkQueue<TWork>(IQueueService queues, string queue, IServiceScopeFactory? scopes = null, string? noHandler = null)
    : WorkQueue(queues, queue) where TWork : class, IWorkMessage<TWork>
{
    public override async Task<string> RunAsync(string message, object? accepted, CancellationToken ct)
    {
        var work = accepted as TWork ?? TWork.Parse(message);
        if (scopes is null) throw new InvalidOperationException($"{Queue}: this queue only puts; nothing here does {typeof(TWork).Name}");
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetService<IWorkHandler<TWork>>()
            ?? throw new InvalidOperationException($"{Queue}: nothing in this process does {work.GetType().Name} ({noHandler ?? "no handler is registered"})");
        var outcome = await handler.HandleAsync(work, ct);
        Log?.LogInformation("{Queue}: {Outcome}", Queue, outcome);
        return outcome;
    }

    /// <summary>Puts <paramref name="work"/> on the queue (a prompt run gets the object itself). Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(TWork work, CancellationToken ct) => EnqueueAsync(work.ToJson(), work, ct);

    /// <summary>Does <paramref name="work"/> here before the answer, putting it on the queue only when it failed or outlasted
    /// <paramref name="budget"/> (see <see cref="WorkQueue.RunOrEnqueueAsync"/>).</summary>
    public Task<WorkHandOff> RunOrEnqueueAsync(TWork work, TimeSpan budget, CancellationToken ct) => RunOrEnqueueAsync(work.ToJson(), work, budget, ct);

    /// <summary>As above, for work still being prepared: the run here starts at once with <paramref name="accepted"/> (which
    /// can await <paramref name="work"/> itself), and what is put, if anything, is <paramref name="work"/> once it is ready.
    /// Throws when the work needed the queue and could not be prepared or put.</summary>
    public Task<WorkHandOff> RunOrEnqueueAsync(Task<TWork> work, TWork accepted, TimeSpan budget, CancellationToken ct) =>
        RunOrEnqueueAsync(accepted.ToJson(), async () => (await work).ToJson(), accepted, budget, ct);

    /// <summary>Puts <paramref name="work"/> on the queue visible after <paramref name="visibleAfter"/> (null: now), at most 7 days
    /// (the queue's limit; a later due time is reached by putting the work again when it comes up early).</summary>
    public Task EnqueueAsync(TWork work, TimeSpan? visibleAfter, CancellationToken ct) => visibleAfter is not { } after
        ? EnqueueAsync(work, ct)
        : EnqueueAsync(work.ToJson(), (TimeSpan?)(after < TimeSpan.Zero ? TimeSpan.Zero : after > AzureQueueService.MaxVisibility ? AzureQueueService.MaxVisibility : after), ct);
}

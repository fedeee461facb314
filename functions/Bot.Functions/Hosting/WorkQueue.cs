using Bot.Adapters.Storage;

namespace Bot.Functions.Hosting;

/// <summary>
/// Durable hand-off from an HTTP endpoint that must answer quickly (style rule G3: verify, translate, enqueue, 202) to
/// the queue-triggered function that does the work. Once <see cref="EnqueueAsync"/> returns, the message survives a
/// crash or recycle of this process; the queue trigger retries failures and moves what keeps failing to
/// <c>&lt;queue&gt;-poison</c>. Area queues (<c>SlackWorkQueue</c>, <c>GitHubWorkQueue</c>) add their typed put.
/// </summary>
public class WorkQueue(IQueueService queues, string queue)
{
    private volatile bool _created;

    /// <summary>The queue's name.</summary>
    public string Queue => queue;

    /// <summary>Puts <paramref name="message"/> on the queue (creating the queue on first use; a failed create is retried
    /// next time). Messages never expire. Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(string message, CancellationToken ct) => EnqueueAsync(message, null, ct);

    /// <summary>As <see cref="EnqueueAsync(string, CancellationToken)"/>, visible only after <paramref name="visibleAfter"/>
    /// (a retry that honours a vendor's Retry-After).</summary>
    public async Task EnqueueAsync(string message, TimeSpan? visibleAfter, CancellationToken ct)
    {
        if (!_created)
        {
            await queues.CreateIfNotExistsAsync(queue, ct);
            _created = true;
        }
        await queues.SendAsync(queue, message, visibleAfter, Timeout.InfiniteTimeSpan, ct);
    }
}

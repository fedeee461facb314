using Bot.Adapters.Storage;

namespace Bot.Functions.Slack;

/// <summary>
/// Durable hand-off between the endpoints (which must answer Slack within 3 s) and <see cref="SlackWorkFunction"/>:
/// one message per accepted item on the Storage queue <see cref="Queue"/> (<c>slack-work</c>, from
/// <c>SlackWork/function.json</c>). Once the put returns the work survives a crash or recycle of this process; the
/// queue trigger retries failures and moves what keeps failing to <c>slack-work-poison</c>.
/// </summary>
public sealed class SlackWorkQueue(IQueueService queues, string queue)
{
    private volatile bool _created;

    /// <summary>The queue's name.</summary>
    public string Queue => queue;

    /// <summary>Puts <paramref name="work"/> on the queue (creating the queue on first use; a failed create is retried
    /// next time). Throws when storage does not accept it.</summary>
    public async Task EnqueueAsync(SlackWork work, CancellationToken ct)
    {
        if (!_created)
        {
            await queues.CreateIfNotExistsAsync(queue, ct);
            _created = true;
        }
        await queues.SendAsync(queue, work.ToJson(), null, Timeout.InfiniteTimeSpan, ct);
    }
}

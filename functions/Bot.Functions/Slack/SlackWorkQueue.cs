using Bot.Adapters.Storage;
using Bot.Functions.Hosting;

namespace Bot.Functions.Slack;

/// <summary>
/// Durable hand-off between the endpoints (which must answer Slack within 3 s) and <see cref="SlackWorkFunction"/>:
/// one message per accepted item on the Storage queue <see cref="WorkQueue.Queue"/> (<c>slack-work</c>, from
/// the <c>SlackWork</c> function in functions.metadata); failures retry and end in <c>slack-work-poison</c> (see <see cref="WorkQueue"/>).
/// </summary>
public sealed class SlackWorkQueue(IQueueService queues, string queue) : WorkQueue(queues, queue)
{
    /// <summary>Puts <paramref name="work"/> on the queue. Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(SlackWork work, CancellationToken ct) => EnqueueAsync(work.ToJson(), work, ct);
}

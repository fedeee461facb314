using Bot.Adapters.Storage;
using Bot.Functions.Hosting;

namespace Bot.Functions.Notifications;

/// <summary>The <c>notifications</c> queue (from the <c>Notifications</c> function in functions.metadata): the outbox between the executor and
/// <see cref="NotificationsFunction"/>. Failures retry and end in <c>notifications-poison</c> (see <see cref="WorkQueue"/>).</summary>
public sealed class NotificationQueue(IQueueService queues, string queue) : WorkQueue(queues, queue)
{
    /// <summary>Puts <paramref name="work"/> on the queue, visible after <paramref name="visibleAfter"/> (null: now).
    /// Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(NotificationWork work, TimeSpan? visibleAfter, CancellationToken ct) => EnqueueAsync(work.ToJson(), visibleAfter, ct);
}

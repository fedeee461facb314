using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="IStepScheduler"/> on <see cref="StorageOptions.StepQueue"/>: the message is <see cref="StepMessage"/> as
/// <see cref="StateJson"/>, hidden for <c>at - now</c>. Queues cannot hide a message longer than 7 days, so a later
/// step is enqueued at the cap; the reconciling sweep re-enqueues it when it is still not due. Messages never expire.
/// </summary>
public sealed class QueueStepScheduler : IStepScheduler
{
    private readonly IQueueService _queues;
    private readonly TimeProvider _time;
    private readonly string _queue;
    private readonly EnsureOnce _ensure;

    public QueueStepScheduler(IQueueService queues, TimeProvider time, StorageOptions? options = null)
    {
        _queues = queues;
        _time = time;
        _queue = (options ?? new StorageOptions()).StepQueue;
        _ensure = new EnsureOnce(ct => _queues.CreateIfNotExistsAsync(_queue, ct));
    }

    public async Task ScheduleAsync(StepMessage message, DateTimeOffset at, CancellationToken ct)
    {
        await _ensure.EnsureAsync(ct).ConfigureAwait(false);
        await _queues.SendAsync(_queue, StateJson.Serialize(message), DelayUntil(at, _time.GetUtcNow()), Timeout.InfiniteTimeSpan, ct)
            .ConfigureAwait(false);
    }

    /// <summary>The visibility delay for a message due at <paramref name="at"/>: 0 when due, at most 7 days.</summary>
    public static TimeSpan DelayUntil(DateTimeOffset at, DateTimeOffset now)
    {
        var delay = at - now;
        if (delay <= TimeSpan.Zero) return TimeSpan.Zero;
        // Whole seconds, rounded up, so the message never shows before it is due.
        var seconds = Math.Ceiling(delay.TotalSeconds);
        return seconds >= AzureQueueService.MaxVisibility.TotalSeconds ? AzureQueueService.MaxVisibility : TimeSpan.FromSeconds(seconds);
    }
}

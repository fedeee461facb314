using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;

namespace Bot.Functions.Steps;

/// <summary>
/// <see cref="IStepScheduler"/> on the <c>rollout-steps</c> <see cref="WorkQueue{TWork}"/>: the step is put hidden for
/// <c>at - now</c> and left to the queue's trigger. Queues cannot hide a message longer than 7 days, so a later step is
/// put at the cap; the reconciling sweep puts it again when it is still not due. Messages never expire.
/// </summary>
public sealed class QueueStepScheduler(WorkQueue<StepWork> queue, TimeProvider time) : IStepScheduler
{
    public Task ScheduleAsync(StepMessage message, DateTimeOffset at, CancellationToken ct) =>
        queue.EnqueueAsync(new StepWork(message), DelayUntil(at, time.GetUtcNow()), ct);

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

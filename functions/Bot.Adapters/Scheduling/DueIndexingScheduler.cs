using Bot.Core.Calendar;
using Bot.Core.Ports;

namespace Bot.Adapters.Scheduling;

/// <summary>
/// Wraps the real <see cref="IStepScheduler"/>: every scheduled step message is first written to the due index, so
/// a message that is lost (or delayed past its time) is found by the sweep. Written before the enqueue: a crash in
/// between leaves an index row and no message, which is exactly what the sweep repairs.
/// </summary>
public sealed class DueIndexingScheduler(IStepScheduler inner, IDueIndex index) : IStepScheduler
{
    public IStepScheduler Inner => inner;

    public async Task ScheduleAsync(StepMessage message, DateTimeOffset at, CancellationToken ct)
    {
        await index.SetAsync(new DueItem(message.Service, message.RolloutId, message.StepIndex, DueKind.Step, at), ct).ConfigureAwait(false);
        await inner.ScheduleAsync(message, at, ct).ConfigureAwait(false);
    }
}

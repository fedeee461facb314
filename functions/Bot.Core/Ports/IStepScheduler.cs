using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>Enqueues step messages, visible at a given time (a bake is a delayed message).</summary>
public interface IStepScheduler
{
    Task ScheduleAsync(StepMessage message, DateTimeOffset at, CancellationToken ct);
}

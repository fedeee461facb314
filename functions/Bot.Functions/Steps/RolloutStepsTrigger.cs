using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Steps;

/// <summary>Queue trigger on <c>rollout-steps</c>: each message is a step (or analysis round) for <see cref="RolloutStepsFunction"/>. A failure throws, so the queue retries and finally poisons it.</summary>
public sealed class RolloutStepsTrigger(RolloutStepsFunction steps)
{
    public const string Name = "RolloutSteps";
    public const string Queue = "rollout-steps";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        steps.RunAsync(message, ct);
}

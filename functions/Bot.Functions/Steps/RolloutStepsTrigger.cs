using Bot.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Steps;

/// <summary>Queue trigger on <c>rollout-steps</c>: each message is a step (or analysis round), done by <see cref="RolloutStepHandler"/>. A failure throws, so the queue retries and finally poisons it.</summary>
public sealed class RolloutStepsTrigger(WorkQueue<StepWork> steps)
{
    public const string Name = "RolloutSteps";
    public const string Queue = "rollout-steps";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        steps.RunAsync(message, null, ct);
}

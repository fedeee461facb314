using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Slack;

/// <summary>Queue trigger on <c>slack-work</c>: Slack work accepted by the Slack functions, done by <see cref="SlackWorkFunction"/>.</summary>
public sealed class SlackWorkTrigger(SlackWorkFunction work)
{
    public const string Name = "SlackWork";
    public const string Queue = "slack-work";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        work.RunAsync(message, null, ct);
}

using Bot.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Slack;

/// <summary>Queue trigger on <c>slack-work</c>: Slack work accepted by the Slack functions and not done before their
/// answer, done by <see cref="SlackWorkProcessor"/>. Failures end in <c>slack-work-poison</c> with the reason.</summary>
public sealed class SlackWorkTrigger(WorkQueue<SlackWork> work)
{
    public const string Name = "SlackWork";
    public const string Queue = "slack-work";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        work.RunAsync(message, null, ct);
}

using Bot.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Notifications;

/// <summary>Queue trigger on <c>notifications</c>: notices the outbox put there, delivered by <see cref="NotificationDelivery"/> to Slack and GitHub. Failures end in <c>notifications-poison</c> with the reason.</summary>
public sealed class NotificationsTrigger(WorkQueue<NotificationWork> notices)
{
    public const string Name = "Notifications";
    public const string Queue = "notifications";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        notices.RunAsync(message, null, ct);
}

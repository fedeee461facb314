using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.Notifications;

/// <summary>Queue trigger on <c>notifications</c>: notices the outbox put there, delivered by <see cref="NotificationsFunction"/> to Slack and GitHub.</summary>
public sealed class NotificationsTrigger(NotificationsFunction notices)
{
    public const string Name = "Notifications";
    public const string Queue = "notifications";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        notices.RunAsync(message, null, ct);
}

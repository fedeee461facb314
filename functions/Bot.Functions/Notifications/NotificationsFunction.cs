using Bot.Functions.Hosting;

namespace Bot.Functions.Notifications;

/// <summary>Queue trigger on <c>notifications</c> (the <c>Notifications</c> function in functions.metadata): each message is a
/// <see cref="NotificationWork"/> the executor's <see cref="NotificationOutbox"/> put there, delivered by
/// <see cref="NotificationDelivery"/>. Failures end in <c>notifications-poison</c> with the reason.</summary>
public sealed class NotificationsFunction(IServiceScopeFactory scopes, ILogger<NotificationsFunction> log) : WorkQueueFunction(scopes)
{
    public const string Name = "Notifications";

    /// <summary>The queue name when no function catalog is registered (the queue of the <c>Notifications</c> function).</summary>
    public const string DefaultQueue = Notifications.NotificationsTrigger.Queue;

    public override string FunctionName => Name;

    protected override async Task<string> DoAsync(string message, object? accepted, IServiceProvider services, CancellationToken ct)
    {
        var work = NotificationWork.Parse(message);
        var outcome = await services.GetRequiredService<NotificationDelivery>().DeliverAsync(work, ct);
        log.LogInformation("{Function}: {Outcome}", Name, outcome);
        return outcome;
    }
}

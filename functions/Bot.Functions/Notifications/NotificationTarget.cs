using Bot.Core.Ports;

namespace Bot.Functions.Notifications;

/// <summary>A vendor the <see cref="NotificationDelivery"/> delivers notices to: its name (in queue messages and the
/// coalescing table) and how to build its delivery notifier (Slack's live message, GitHub's check run and deployment).
/// Adapters register one each with <see cref="NotificationExtensions.AddNotificationTarget"/>; the executor only ever gets
/// the <see cref="NotificationOutbox"/>, which enqueues one message per target.</summary>
public sealed record NotificationTarget(string Name, Func<IServiceProvider, INotifier> Create);

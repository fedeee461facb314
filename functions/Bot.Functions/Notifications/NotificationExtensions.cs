using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Notifications;

public static class NotificationExtensions
{
    /// <summary>
    /// The notifications outbox: <see cref="INotifier"/> is the <see cref="NotificationOutbox"/> (what the executor and
    /// the sweep get), the <c>notifications</c> queue of the <c>Notifications</c> function in functions.metadata, the coalescing table
    /// (<c>Notifications:Table</c>) and the <see cref="NotificationDelivery"/> that delivers to the registered
    /// <see cref="NotificationTarget"/>s. Needs <c>AddStorage()</c> (queues and tables); order-independent otherwise.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section)
            .Validate(o => o.MaxDeferral >= TimeSpan.FromSeconds(1) && o.MaxDeferral <= TimeSpan.FromDays(7),
                "Notifications:MaxDeferral must be between 00:00:01 and 7.00:00:00 (a queue message is hidden at most 7 days)")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Table), "Notifications:Table is empty: name the coalescing table (e.g. notificationstate)")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddWorkQueue<NotificationWork>(NotificationsTrigger.Name, NotificationsTrigger.Queue);
        services.TryAddSingleton(sp => new TableNoticeLedger(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<IOptions<NotificationOptions>>().Value.Table));
        services.TryAddSingleton<NotificationOutbox>();
        services.TryAddSingleton<INotifier>(sp => sp.GetRequiredService<NotificationOutbox>());
        services.TryAddSingleton<NotificationDelivery>();
        services.TryAddSingleton<IWorkHandler<NotificationWork>>(sp => sp.GetRequiredService<NotificationDelivery>());
        return builder;
    }

    /// <summary>Registers a vendor the notifications function delivers to, e.g. <c>("slack", sp =&gt; sp.GetRequiredService&lt;SlackNotifier&gt;())</c>.</summary>
    public static IServiceCollection AddNotificationTarget(this IServiceCollection services, string name, Func<IServiceProvider, INotifier> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return services.AddSingleton(new NotificationTarget(name, create));
    }

    /// <summary>Every registered target's delivery notifier, called in line (tests and tools that want delivery without the queue).</summary>
    public static INotifier DirectNotifier(this IServiceProvider services) =>
        new Bot.Core.Execution.CompositeNotifier(services.GetServices<NotificationTarget>().Select(t => t.Create(services)));
}

using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Slack;

public static class SlackHostExtensions
{
    /// <summary>What the Slack functions answer (404) while Slack is off.</summary>
    public const string Off = "Slack is off: set Slack__BotToken and Slack__SigningSecret";

    /// <summary>True when both <c>Slack:BotToken</c> and <c>Slack:SigningSecret</c> are set: Slack is on.</summary>
    public static bool IsSlackConfigured(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{SlackOptions.Section}:BotToken"])
        && !string.IsNullOrWhiteSpace(configuration[$"{SlackOptions.Section}:SigningSecret"]);

    /// <summary>
    /// Slack when <c>Slack:BotToken</c> and <c>Slack:SigningSecret</c> are configured (otherwise nothing is registered and
    /// start-up logs that Slack is off): <see cref="SlackServiceCollectionExtensions.AddSlack"/>, the live-message
    /// <see cref="SlackNotifier"/> as the <c>slack</c> target of the notifications outbox, and its message store in Table storage. The
    /// <c>slack-work</c> queue is registered either way: with Slack off, work still on it fails into <c>slack-work-poison</c>
    /// with the reason.
    /// </summary>
    public static IHostApplicationBuilder AddSlackIfConfigured(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSlackWorkQueue();
        if (!builder.Configuration.IsSlackConfigured()) return builder;
        services.TryAddSingleton<ISlackMessageStore>(sp => new TableSlackMessageStore(sp.GetRequiredService<ITableService>()));
        services.AddSlack();
        services.AddNotificationTarget("slack", sp => sp.GetRequiredService<SlackNotifier>());
        return builder;
    }
}

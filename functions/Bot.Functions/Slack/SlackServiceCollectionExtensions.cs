using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>Service key of the <see cref="IMembershipResolver"/> Slack commands are authorized with (Slack user groups).</summary>
    public const string MembershipKey = "slack";

    /// <summary>
    /// Slack: options (section <c>Slack</c>, validated at start), the Web API client behind the token and retry
    /// handlers, the response_url client, the live-message notifier, user-group directory and access policy, the
    /// inbound endpoints' durable work queue (<see cref="WorkQueue{TWork}"/> of <see cref="SlackWork"/> on the queue of the <c>SlackWork</c> function in functions.metadata,
    /// needs an <see cref="IQueueService"/>) and its <see cref="SlackWorkProcessor"/>, which <see cref="SlackWorkTrigger"/> and
    /// the endpoints' runs before the answer use. Registers an in-memory message store only when nothing durable is registered
    /// (register <see cref="TableSlackMessageStore"/> before or after: TryAdd). Clicks and commands are deduplicated by the
    /// engine, in the state they act on (<see cref="SlackWork.DeliveryId"/>).
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>().BindConfiguration(SlackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddTransient<SlackAuthHandler>();
        services.AddTransient<SlackResilienceHandler>();
        services.AddHttpClient<SlackClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUrl;
                http.Timeout = Timeout.InfiniteTimeSpan; // per-attempt timeouts live in SlackResilienceHandler
            })
            .AddHttpMessageHandler<SlackAuthHandler>()
            .AddHttpMessageHandler<SlackResilienceHandler>();
        services.AddHttpClient(nameof(SlackResponseUrlClient));
        services.AddSingleton(sp => new SlackResponseUrlClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(SlackResponseUrlClient)), sp.GetRequiredService<TimeProvider>()));

        services.TryAddSingleton<ISlackMessageStore, InMemorySlackMessageStore>();
        services.AddSingleton<SlackUserGroupDirectory>();
        services.AddSingleton<SlackNotifier>();
        services.AddSingleton<SlackThreadChatLink>();
        services.AddSlackWorkQueue();
        services.AddSingleton<SlackInbox>();
        services.AddKeyedSingleton<IMembershipResolver>(MembershipKey, (sp, _) => sp.GetRequiredService<SlackUserGroupDirectory>());
        services.TryAddScoped<SlackCommandRunner>();
        services.AddScoped<IWorkHandler<SlackWork>, SlackWorkProcessor>();
        return services;
    }

    /// <summary>The <c>slack-work</c> queue (of the <c>SlackWork</c> function in functions.metadata), done by
    /// <see cref="SlackWorkProcessor"/> when Slack is on; registered by the host with Slack off too, so work left on it
    /// is poisoned with the reason.</summary>
    internal static IServiceCollection AddSlackWorkQueue(this IServiceCollection services) =>
        services.TryAddWorkQueue<SlackWork>(SlackWorkTrigger.Name, SlackWorkTrigger.Queue, promptRuns: true,
            noHandler: "Slack is off: Slack:BotToken / Slack:SigningSecret unset");
}

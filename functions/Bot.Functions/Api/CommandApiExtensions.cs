using Bot.Adapters.Slack;
using Bot.Core.Ports;

namespace Bot.Functions.Api;

public static class CommandApiExtensions
{
    /// <summary>Binds and validates <c>CommandApi</c> (keys) at start-up.</summary>
    public static IHostApplicationBuilder AddCommandApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CommandApiOptions>().BindConfiguration(CommandApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyFilter>();
        builder.Services.AddKeyedSingleton<IMembershipResolver>(ApiKeyFilter.MembershipKey,
            (sp, _) => sp.GetService<SlackUserGroupDirectory>() ?? (IMembershipResolver)NoGroupsMembershipResolver.Instance);
        return builder;
    }
}

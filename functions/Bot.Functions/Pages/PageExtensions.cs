using Bot.Adapters.Pages;

namespace Bot.Functions.Pages;

public static class PageExtensions
{
    /// <summary>Binds and validates <c>Pages</c> (base URL, link lifetime, signing keys) at start-up and registers the link
    /// signer the Slack and GitHub notifiers put into their messages.</summary>
    public static IHostApplicationBuilder AddPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PageOptions>().BindConfiguration(PageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PageLinks>();
        return builder;
    }
}

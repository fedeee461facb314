using System.Net.Http.Headers;
using Bot.TestKit.Azurite;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Support;

/// <summary>The bot in-process against the test's Azurite, with the recording router and two API keys.</summary>
internal sealed class BotApplication(AzuriteFixture azurite, TestAppRoot root, bool runTriggers = true, Action<IServiceCollection>? services = null,
    IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    public TestAppRoot AppRoot => root;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in root.Settings(azurite.ConnectionString, runTriggers)) builder.UseSetting(key, value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) builder.UseSetting(key, value);
        builder.UseEnvironment("Development");
        if (services is not null) builder.ConfigureTestServices(services);
    }

    public HttpClient Client(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

using Bot.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Bot.Functions.Tests.Hosting;

/// <summary>The app's appsettings.json (log levels) applies however the app is started: <c>scripts/run.sh</c> starts it from
/// the repository root, where there is none (every queue poll was logged at Information).</summary>
public sealed class AppSettingsTests
{
    [Fact]
    public void StartedFromAnotherFolder_TheAppsOwnLogLevelsApply_AndEverythingElseStillWins()
    {
        var elsewhere = Directory.CreateTempSubdirectory("bot-cwd-").FullName;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = elsewhere, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection([KeyValuePair.Create<string, string?>("Logging:LogLevel:Default", "Debug")]);
            Assert.Null(builder.Configuration["Logging:LogLevel:System.Net.Http.HttpClient"]);

            HostingExtensions.AddAppSettings(builder);

            Assert.Equal("Warning", builder.Configuration["Logging:LogLevel:System.Net.Http.HttpClient"]);
            Assert.Equal("Debug", builder.Configuration["Logging:LogLevel:Default"]); // a setting given elsewhere still wins
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }
}

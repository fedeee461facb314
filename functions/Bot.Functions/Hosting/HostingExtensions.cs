using System.Net;
using System.Text.Json.Serialization;
using Bot.Functions.Standalone;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Hosting;

public static class HostingExtensions
{
    /// <summary>The standalone host: listens on 127.0.0.1 at <c>Bot:Port</c>, loads host.json and functions.metadata, and
    /// runs the queue listeners and timers in-process (unless <c>Bot:RunTriggers=false</c>).</summary>
    public static WebApplicationBuilder AddBotHost(this WebApplicationBuilder builder)
    {
        // The standalone host's defaults: every other source wins (the Functions host needs these as app settings).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [KeyValuePair.Create<string, string?>(Triggers.SweepTrigger.ScheduleSetting, Triggers.SweepTrigger.DefaultSchedule)],
        });
        AddAppSettings(builder);
        AddLocalSettings(builder);
        var env = HostEnvironment.Detect(builder.Configuration);
        builder.Services.AddSingleton(env);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, env.Port));
        builder.Services.AddOptions<BotHostOptions>().BindConfiguration(BotHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var appRoot = FunctionCatalog.LocateAppRoot(builder.Configuration[$"{BotHostOptions.Section}:AppRoot"]);
        builder.Services.AddSingleton(new FunctionCatalog(appRoot));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.Services.AddProblemAnswers(); // every failure answer is a problem document (ProblemAnswers)

        if (env.Mode == HostMode.Standalone && builder.Configuration.GetValue($"{BotHostOptions.Section}:RunTriggers", true))
            builder.Services.AddHostedService<StandaloneTriggers>();
        return builder;
    }

    /// <summary>The app's own <c>appsettings.json</c> (log levels) ships next to its assembly, while the content root is the
    /// folder the app was started from (<c>scripts/run.sh</c> starts it from the repository root), where none is found. Those
    /// next to the assembly are then read first, so every other source still wins.</summary>
    internal static void AddAppSettings(WebApplicationBuilder builder)
    {
        if (File.Exists(Path.Combine(builder.Environment.ContentRootPath, "appsettings.json"))) return;
        var files = new[] { "appsettings.json", $"appsettings.{builder.Environment.EnvironmentName}.json" };
        for (var i = 0; i < files.Length; i++)
        {
            var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = Path.Combine(AppContext.BaseDirectory, files[i]), Optional = true, ReloadOnChange = false,
            };
            source.ResolveFileProvider();
            builder.Configuration.Sources.Insert(i, source);
        }
    }

    /// <summary>Standalone runs read <c>local.settings.json</c>'s <c>Values</c> (as <c>func start</c> does), found in the
    /// current folder or above; environment variables still win.</summary>
    private static void AddLocalSettings(WebApplicationBuilder builder)
    {
        var path = builder.Configuration["Bot:LocalSettings"] ?? Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json");
        if (!File.Exists(path)) return;
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["Values"] as System.Text.Json.Nodes.JsonObject
            ?? throw new InvalidOperationException($"{path}: expected {{\"Values\": {{...}}}}");
        builder.Configuration.AddInMemoryCollection(values.Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value?.ToString())));
        builder.Configuration.AddEnvironmentVariables();
    }

    /// <summary>The problem answers first (every failure of every endpoint is a problem document, see
    /// <see cref="ProblemAnswers"/>), then every HTTP function of functions.metadata under its route
    /// (<see cref="HttpFunctionEndpoints"/>).</summary>
    public static WebApplication MapBotHost(this WebApplication app)
    {
        app.UseProblemAnswers();
        app.MapFunctions();
        return app;
    }
}

using System.Net;
using System.Text.Json.Serialization;
using Bot.Functions.Invocations;
using Bot.Functions.Standalone;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Hosting;

public static class HostingExtensions
{
    /// <summary>Decides the mode (Functions when <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> is set, else standalone), listens
    /// on 127.0.0.1 at the right port, loads host.json and the function folders, and in standalone mode runs the
    /// queue listener and timers in-process.</summary>
    public static WebApplicationBuilder AddBotHost(this WebApplicationBuilder builder)
    {
        AddAppSettings(builder);
        AddLocalSettings(builder);
        var env = HostEnvironment.Detect(builder.Configuration);
        builder.Services.AddSingleton(env);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, env.Port));
        builder.Services.AddOptions<BotHostOptions>().BindConfiguration(BotHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        var appRoot = FunctionCatalog.LocateAppRoot(
            builder.Configuration[$"{BotHostOptions.Section}:AppRoot"] ?? builder.Configuration["FUNCTIONS_APP_ROOT_PATH"],
            builder.Environment.ContentRootPath, AppContext.BaseDirectory);
        builder.Services.AddSingleton(new FunctionCatalog(appRoot));
        builder.Services.AddSingleton<FunctionHandlers>();
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
        if (builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] is not null) return;
        var path = builder.Configuration["Bot:LocalSettings"] ?? Path.Combine(Directory.GetCurrentDirectory(), "local.settings.json");
        if (!File.Exists(path)) return;
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["Values"] as System.Text.Json.Nodes.JsonObject
            ?? throw new InvalidOperationException($"{path}: expected {{\"Values\": {{...}}}}");
        builder.Configuration.AddInMemoryCollection(values.Select(p => KeyValuePair.Create(p.Key.Replace("__", ":", StringComparison.Ordinal), (string?)p.Value?.ToString())));
        builder.Configuration.AddEnvironmentVariables();
    }

    /// <summary>Registers a queue- or timer-triggered function's handler; its <see cref="IFunctionHandler.FunctionName"/>
    /// must match a <c>functions/&lt;Name&gt;/function.json</c> folder.</summary>
    public static IServiceCollection AddFunctionHandler<T>(this IServiceCollection services) where T : class, IFunctionHandler
    {
        services.AddSingleton<T>();
        services.AddSingleton<IFunctionHandler>(sp => sp.GetRequiredService<T>());
        return services;
    }

    /// <summary>The problem answers first (every failure of every endpoint is a problem document, see
    /// <see cref="ProblemAnswers"/>), then Functions mode's invocation routes (readiness <c>GET /</c>,
    /// <c>POST /{FunctionName}</c>). Mapped in standalone mode too: it is loopback-only, and it lets tests drive a
    /// handler exactly as the host does.</summary>
    public static WebApplication MapBotHost(this WebApplication app)
    {
        app.UseProblemAnswers();
        app.MapFunctionInvocations();
        return app;
    }
}

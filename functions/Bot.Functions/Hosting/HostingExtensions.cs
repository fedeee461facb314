using System.Net;
using System.Text.Json.Serialization;
using Bot.Functions.Analysis;
using Bot.Functions.Api;
using Bot.Functions.Ci;
using Bot.Functions.Freezes;
using Bot.Functions.GitHub;
using Bot.Functions.Health;
using Bot.Functions.Notifications;
using Bot.Functions.Orphans;
using Bot.Functions.Pages;
using Bot.Functions.Slack;
using Bot.Functions.Standalone;
using Bot.Functions.Steps;
using Bot.Functions.Storage;
using Bot.Functions.Sweep;
using Bot.Functions.Traffic;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Hosting;

public static class HostingExtensions
{
    /// <summary>
    /// Everything the bot is, for both hosts: the host's facts (<see cref="HostEnvironment"/>, <see cref="FunctionCatalog"/>
    /// from host.json and functions.metadata), the clock, JSON and problem answers, and every feature. The one composition
    /// method: Program.cs calls it for the isolated worker and for the standalone host, tests through Program. Order-free: every service
    /// has one owner (or is added with TryAdd), so the features may be called in any order (a test composes them reversed).
    /// </summary>
    public static IHostApplicationBuilder AddReleaseBot(this IHostApplicationBuilder builder) => AddReleaseBot(builder, null);

    /// <summary><see cref="AddReleaseBot(IHostApplicationBuilder)"/> with the features in another order (tests: the order must not matter).</summary>
    internal static IHostApplicationBuilder AddReleaseBot(IHostApplicationBuilder builder, IEnumerable<Func<IHostApplicationBuilder, IHostApplicationBuilder>>? features)
    {
        var services = builder.Services;
        services.AddSingleton(HostEnvironment.Detect(builder.Configuration));
        services.AddOptions<BotHostOptions>().BindConfiguration(BotHostOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(new FunctionCatalog(FunctionCatalog.LocateAppRoot(builder.Configuration[$"{BotHostOptions.Section}:AppRoot"])));
        services.TryAddSingleton(TimeProvider.System);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        services.AddProblemAnswers(); // every failure answer is a problem document (ProblemAnswers)

        foreach (var add in features ?? Features) add(builder);
        return builder;
    }

    /// <summary>Every feature, each with what it reads. Any order composes the same services (one owner per service, or TryAdd):
    /// <c>CompositionOrderTests</c> composes them reversed.</summary>
    internal static readonly IReadOnlyList<Func<IHostApplicationBuilder, IHostApplicationBuilder>> Features =
    [
        StorageExtensions.AddStorage,              // AzureWebJobsStorage: queue and table clients, rollout state (+ due index), audit
        RolloutCoreExtensions.AddRolloutCore,      // Decide + executor, release configs (ReleaseConfig:Directory), the rollout-steps queue and its scheduler
        NotificationExtensions.AddNotifications,   // the executor's notifier: outbox on the notifications queue, delivered to Slack/GitHub by the Notifications function
        TrafficExtensions.AddTrafficRouting,       // Traffic:Mode: istio (KubernetesClient) or recording (dry run)
        CommandApiExtensions.AddCommandApi,        // CommandApi:Keys: bearer keys for /api/rollouts, /api/services, /api/freezes
        PageExtensions.AddPages,                   // Pages:*: signed links to the rollout and service pages
        HealthExtensions.AddHealth,                // /api/health checks; adapters add theirs
        SlackHostExtensions.AddSlackIfConfigured,  // Slack:BotToken + Slack:SigningSecret: the Slack functions, live rollout messages
        GitHubServiceCollectionExtensions.AddGitHub, // GitHub:*: App or token client, notification target (check run + deployment), webhook intake
        CiExtensions.AddCi,                        // Ci:*: CI webhook
        FreezeExtensions.AddFreezes,               // freezes table, the cache every decision reads, FreezeService, the refresher
        SweepExtensions.AddSweep,                  // Sweep:*: the Sweep timer's due sweeper
        OrphanExtensions.AddOrphanGuard,           // Sweep:OrphanScanInterval: orphaned canary traffic, found by the sweep, in health and chat
        AnalysisExtensions.AddAnalysis,            // Analysis:QueryTimeout: canary analysis on Prometheus
    ];

    /// <summary>The isolated worker as the Functions host runs it: <c>FunctionsApplication.CreateBuilder</c>, the ASP.NET Core
    /// integration (HTTP functions get the real <see cref="HttpRequest"/>), problem answers for exceptions an HTTP function
    /// did not handle, and <see cref="AddReleaseBot"/>. The host owns HTTP, queues (host.json <c>extensions.queues</c>) and timers.</summary>
    public static FunctionsApplicationBuilder CreateWorkerBuilder(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        builder.UseMiddleware<ProblemAnswersMiddleware>();
        builder.AddReleaseBot();
        return builder;
    }

    /// <summary>The standalone host: the standalone defaults, appsettings.json beside the app and local.settings.json, 127.0.0.1 at
    /// <c>Bot:Port</c>, and the queue listeners and timers of functions.metadata in-process (unless <c>Bot:RunTriggers=false</c>).
    /// Then <see cref="AddReleaseBot"/>; after Build, <see cref="MapBotHost"/>.</summary>
    public static WebApplicationBuilder AddStandaloneHost(this WebApplicationBuilder builder)
    {
        // The standalone host's defaults: every other source wins (the Functions host needs these as app settings).
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = [KeyValuePair.Create<string, string?>(Sweep.SweepTrigger.ScheduleSetting, Sweep.SweepTrigger.DefaultSchedule)],
        });
        AddAppSettings(builder);
        AddLocalSettings(builder);
        var env = HostEnvironment.Detect(builder.Configuration);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, env.Port));
        if (builder.Configuration.GetValue($"{BotHostOptions.Section}:RunTriggers", true))
            builder.Services.AddHostedService<StandaloneTriggers>();
        builder.AddReleaseBot();
        return builder;
    }

    /// <summary>The app's own <c>appsettings.json</c> (log levels) ships next to its assembly, while the content root is the
    /// folder the app was started from (<c>scripts/run.sh</c> starts it from the repository root), where none is found. Those
    /// next to the assembly are then read first, so every other source still wins.</summary>
    internal static void AddAppSettings(IHostApplicationBuilder builder)
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

    /// <summary>Standalone runs read <c>local.settings.json</c>'s <c>Values</c> (as <c>func start</c> does) from the current
    /// folder, or the file <c>Bot:LocalSettings</c> names; environment variables still win.</summary>
    private static void AddLocalSettings(IHostApplicationBuilder builder)
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

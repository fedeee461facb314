using Bot.Functions.Hosting;

// The release bot: one set of functions (functions.metadata), two hosts, one composition (AddReleaseBot).
var startup = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
if (HostEnvironment.IsFunctionsHost(startup))
{
    // Started by the Azure Functions host (or `func start`): the isolated worker; the host owns HTTP, queues and timers.
    HostingExtensions.CreateWorkerBuilder(args).Build().Run();
    return;
}

// Standalone (scripts/run.sh, containers, tests): the same functions on 127.0.0.1 under /api, queues and timers in-process.
var builder = WebApplication.CreateBuilder(args);
builder.AddStandaloneHost();
var app = builder.Build();
app.MapBotHost();              // problem answers, then every HTTP function of functions.metadata under /api
app.Run();

/// <summary>Entry point; public for WebApplicationFactory.</summary>
public partial class Program;

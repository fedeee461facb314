using Bot.Functions.Api;
using Bot.Functions.GitHub;
using Bot.Functions.Health;
using Bot.Functions.Hosting;
using Bot.Functions.Steps;
using Bot.Functions.Storage;
using Bot.Functions.Traffic;

// The release bot: one ASP.NET Core app, run by the Azure Functions host (custom handler) or standalone.
var builder = WebApplication.CreateBuilder(args);

builder.AddBotHost();          // mode (Functions | standalone), 127.0.0.1:port, host.json + function folders, standalone triggers
builder.AddStorage();          // AzureWebJobsStorage: queues, tables, rollout state, audit, delivery dedup, step scheduler
builder.AddRolloutCore();      // Decide + executor, release configs (ReleaseConfig:Directory), RolloutSteps and Sweep functions
builder.AddTrafficRouting();   // Traffic:Mode — istio (needs AddKubernetes) or recording (dry run)
builder.AddCommandApi();       // CommandApi:Keys — bearer keys for /api/rollouts and /api/services
builder.AddHealth();           // /api/health checks; adapters add theirs
// Integrations add themselves here (each binds and validates its own section):
// builder.AddKubernetes();    // Istio ITrafficRouter + IDeploymentController, health check
// builder.AddSlack();         // INotifier, /api/slack/* endpoints, health check
builder.AddGitHub();           // GitHub:* — App or token client, INotifier (check run + deployment), POST /api/github
// builder.AddCi();            // /api/ci/* webhooks, calendar timers

var app = builder.Build();

app.MapBotHost();              // readiness GET / and POST /{FunctionName} (queue and timer invocations)
app.MapHealth();               // GET /api/health
app.MapCommandApiIfEnabled();  // /api/rollouts, /api/services
app.MapGitHub();               // POST /api/github (GitHubWebhook)
// app.MapSlack(); app.MapCi();

app.Run();

/// <summary>Entry point; public for WebApplicationFactory.</summary>
public partial class Program;

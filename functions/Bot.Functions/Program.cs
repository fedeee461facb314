using Bot.Functions.Analysis;
using Bot.Functions.Api;
using Bot.Functions.Ci;
using Bot.Functions.GitHub;
using Bot.Functions.Health;
using Bot.Functions.Hosting;
using Bot.Functions.Orphans;
using Bot.Functions.Pages;
using Bot.Functions.Notifications;
using Bot.Functions.Slack;
using Bot.Functions.Steps;
using Bot.Functions.Storage;
using Bot.Functions.Traffic;

// The release bot's standalone host: the functions of functions.metadata on 127.0.0.1 under /api, queues and timers in-process.
var builder = WebApplication.CreateBuilder(args);

builder.AddBotHost();          // 127.0.0.1:port, host.json + functions.metadata, standalone triggers
builder.AddStorage();          // AzureWebJobsStorage: queues, tables, rollout state, audit, delivery dedup, step scheduler
builder.AddRolloutCore();      // Decide + executor, release configs (ReleaseConfig:Directory), RolloutSteps and Sweep functions
builder.AddNotifications();    // the executor's notifier: outbox on the notifications queue; the Notifications function delivers to Slack/GitHub
builder.AddTrafficRouting();   // Traffic:Mode — istio (needs AddKubernetes) or recording (dry run)
builder.AddCommandApi();       // CommandApi:Keys — bearer keys for /api/rollouts and /api/services
builder.AddPages();            // Pages:* — signed links to the rollout and service pages (in Slack messages and check runs)
builder.AddHealth();           // /api/health checks; adapters add theirs
builder.AddSlackIfConfigured(); // Slack:BotToken + Slack:SigningSecret — /api/slack/*, live rollout messages (notification target)
builder.AddGitHub();           // GitHub:* — App or token client, notification target (check run + deployment), POST /api/github
builder.AddCi();               // Ci:* — POST /api/ci, freezes, deploy windows and cron slots in decisions, due index + sweep
builder.AddOrphanGuard();      // Sweep:OrphanScanInterval — orphaned canary traffic: found by the sweep, in health and chat, /release restore
builder.AddAnalysis();         // Analysis:QueryTimeout — canary analysis on Prometheus (release config analysis:), GET /api/rollouts/{id}/analysis

var app = builder.Build();

app.MapBotHost();              // problem answers, then every HTTP function of functions.metadata under /api

app.Run();

/// <summary>Entry point; public for WebApplicationFactory.</summary>
public partial class Program;

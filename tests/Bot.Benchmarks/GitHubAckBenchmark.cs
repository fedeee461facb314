using Bot.Functions.Steps;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Adapters.Storage;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.GitHub;
using Bot.Functions.Notifications;
using Bot.Functions.Releases;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Bot.Functions.Hosting;

namespace Bot.Benchmarks;

/// <summary>
/// Webhook acknowledgement latency over real HTTP (Kestrel on loopback): an empty endpoint next to signed GitHub
/// deliveries and the <c>github-work</c> queue on Azurite (ping, answered inline; a push, a check-run button and a /release
/// comment, each verified, parsed and put on the queue: no queue function runs in this process, so the ack is the one a
/// delivery left to the queue gets, and does no work), in one run, interleaved. A /release comment is also bound at intake (configs listed, the service's state
/// read once); a comment without a command is the same delivery without that read. GitHub needs an answer within 10 s.
/// </summary>
public sealed class GitHubAckBenchmark : IBenchmark
{
    public string Name => "github-ack";
    public string Description => "GitHub webhook acknowledgement latency p50/p99 vs an empty endpoint";

    public async Task RunAsync(TextWriter report, CancellationToken ct)
    {
        const int warmup = 200, rounds = 2000;
        using var key = RSA.Create(2048);
        var time = TimeProvider.System;
        // State, audit, delivery dedup and step queue on a real Azurite, as in production (its latency is part of the ack).
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var tables = azurite.CreateTableService();
        var storage = new StorageOptions();
        var store = new TableRolloutStore(tables, storage);
        var audit = new TableAuditLog(tables, storage);
        var scheduler = new QueueStepScheduler(new WorkQueue<StepWork>(azurite.CreateQueueService(), AzuriteFixture.NewName("steps")), time);
        using var github = new GitHubDouble(new FakeTimeProvider(DateTimeOffset.UtcNow)) { AppKey = key, AppIssuer = GitHubTestApp.ClientId };
        var repo = new RepoRef("Codertocat", "Hello-World");
        github.AddInstallation(1, repo);
        github.Permissions[(repo, "mona")] = "write";

        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:ClientId"] = GitHubTestApp.ClientId,
            ["GitHub:PrivateKey"] = key.ExportPkcs8PrivateKeyPem(),
            ["GitHub:WebhookSecret"] = GitHubTestApp.WebhookSecret,
        });
        var s = builder.Services;
        s.AddSingleton<ITableService>(tables);
        s.AddSingleton<IRolloutStore>(store);
        s.AddSingleton<IAuditLog>(audit);
        s.AddSingleton<IStepScheduler>(scheduler);
        var queues = azurite.CreateQueueService();
        var workQueue = AzuriteFixture.NewName("github");
        s.AddSingleton<IQueueService>(queues);
        s.AddSingleton(new Bot.Functions.Hosting.FunctionCatalog(Path.Combine(RepoPaths.Root, "functions", "Bot.Functions", "bin", "Release", "net10.0")));
        s.AddSingleton(new WorkQueue<GitHubWork>(queues, workQueue));
        s.AddSingleton<IReleaseConfigs>(new OneConfig(new ReleaseConfig
        {
            Service = "hello-world", Namespace = "shop", GitHubRepo = repo.FullName,
            Route = new RouteSpec { VirtualService = "hello", RouteName = "primary", DestinationRule = "hello" },
            Deployments = new DeploymentSpec { Canary = "hello-canary", Stable = "hello", ImageTemplate = "registry.example.com/hello:{version}" },
            Steps = [new SetWeightStep(10), new PromoteStep()],
            Trigger = new TriggerSpec { Kind = TriggerKind.Push, Branch = "main" },
        }));
        builder.AddGitHub();
        s.AddHttpClient(GitHubConnection.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => github);
        s.AddSingleton(sp => new RolloutExecutor(store, new RecordingTrafficRouter(), new NullDeploymentController(),
            sp.DirectNotifier(), scheduler, audit, RolloutMachine.Decide, time));
        await using var app = builder.Build();
        app.MapPost("/api/empty", () => Results.Ok());
        Bot.Functions.Standalone.HttpFunctionEndpoints.MapFunctions(app, "GitHubWebhook");
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        string Fixture(string name, Action<JsonObject>? edit = null)
        {
            var o = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "webhooks", name)))!.AsObject();
            edit?.Invoke(o);
            return o.ToJsonString();
        }
        var ping = Fixture("ping.0.json");
        var push = Fixture("push.0.json"); // a tag push: verified, parsed, deduped, queued
        var check = Fixture("check_run.requested_action.6.json", o => o["requested_action"]!["identifier"] = "approve/1/1");
        // The service has a stored state, so the binding read finds a row (as in production).
        await store.SaveAsync(ServiceState.Empty("hello-world"), null, ct);
        var chat = Fixture("issue_comment.created.0.json", o =>
        {
            o["issue"]!["pull_request"] = new JsonObject { ["url"] = "x" };
            o["comment"]!["body"] = "LGTM, ship it";
            o["comment"]!["user"]!["login"] = "mona";
        });
        var comment = Fixture("issue_comment.created.0.json", o =>
        {
            o["issue"]!["pull_request"] = new JsonObject { ["url"] = "x" };
            o["comment"]!["body"] = "/release approve";
            o["comment"]!["user"]!["login"] = "mona";
        });

        var cases = new (string Name, Func<HttpRequestMessage> Make)[]
        {
            ("empty endpoint", () => new HttpRequestMessage(HttpMethod.Post, "/api/empty") { Content = new StringContent(ping) }),
            ("github ping", () => Signed("ping", ping)),
            ("github push (no service)", () => Signed("push", push)),
            ("github check_run action", () => Signed("check_run", check)),
            ("github comment, no command", () => Signed("issue_comment", chat)),
            ("github /release comment", () => Signed("issue_comment", comment)),
        };
        var samples = cases.Select(_ => new List<double>(rounds)).ToArray();
        for (var i = 0; i < warmup + rounds; i++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                using var request = cases[c].Make();
                var sw = Stopwatch.StartNew();
                using var response = await http.SendAsync(request, ct);
                sw.Stop();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{cases[c].Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                if (i >= warmup) samples[c].Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        // Octokit clients are built at the first GitHub call; an acknowledgement makes none.
        var octokitClients = app.Services.GetRequiredService<GitHubConnection>().ClientsBuilt;
        await app.StopAsync(ct);
        await queues.DeleteQueueAsync(workQueue, ct);

        report.WriteLine($"{rounds} requests per case, interleaved, Kestrel on loopback (GitHub allows 10 000 ms)");
        report.WriteLine($"{"case",-28} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        for (var c = 0; c < cases.Length; c++)
        {
            var sorted = samples[c].Order().ToArray();
            report.WriteLine($"{cases[c].Name,-28} {Pct(sorted, 0.50),8:F3} {Pct(sorted, 0.99),8:F3} {sorted[^1],8:F3}");
        }
        report.WriteLine($"Octokit clients built during {rounds + warmup} rounds of acknowledgements: {octokitClients}; GitHub requests: {github.Requests.Count}");
    }

    private static HttpRequestMessage Signed(string eventName, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var r = new HttpRequestMessage(HttpMethod.Post, "/api/github") { Content = new ByteArrayContent(bytes) };
        r.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        r.Headers.Add("X-GitHub-Event", eventName);
        r.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        r.Headers.Add("X-Hub-Signature-256", WebhookSignature.Compute(GitHubTestApp.WebhookSecret, bytes));
        return r;
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed class OneConfig(ReleaseConfig config) : IReleaseConfigs
    {
        public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(service == config.Service ? config : null);
        public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>([config]);
    }
}

using Bot.Functions.Steps;
using Bot.Core.Commands;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.GitHub;
using Bot.Functions.Notifications;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Functions.Standalone;
using Bot.Adapters.Storage;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Functions.Tests.GitHub;

/// <summary>The GitHub endpoint, handler and notifier wired as in Program (AddGitHub and the GitHubWebhook function) over the real
/// executor and engine. Rollout state, audit, delivery dedup, step queue and GitHub output ids live in the test's Azurite
/// (tables and queues of their own per app); GitHub is the contract double and traffic the recording router. Accepted
/// deliveries go on a real <c>github-work</c> queue, consumed (unless <c>listen</c> is false) by the standalone
/// <see cref="QueueListener"/> running <see cref="Bot.Functions.GitHub.GitHubWorkTrigger"/>, as the host does; <see cref="PostAsync"/> waits
/// for that processing and <see cref="OutcomeOf"/> says what it led to. Notices reach the GitHub double in line
/// (<see cref="NotificationExtensions.DirectNotifier"/>) rather than through the notifications queue, which
/// <c>NotificationOutboxTests</c> cover.</summary>
public sealed class GitHubWebhookApp : IAsyncDisposable
{
    public static readonly RepoRef Repo = new("Codertocat", "Hello-World");

    public FakeTimeProvider Time { get; } = new();
    public GitHubDouble GitHub { get; }
    public RecordingTrafficRouter Router { get; } = new();
    public List<ReleaseConfig> Configs { get; } = [];
    /// <summary>This app's table and queue names.</summary>
    public StorageOptions Storage { get; } = new()
    {
        RolloutsTable = AzuriteFixture.NewName("rollouts"), AuditTable = AzuriteFixture.NewName("audit"),
    };
    /// <summary>This app's <c>rollout-steps</c> queue.</summary>
    public string StepQueue { get; } = AzuriteFixture.NewName("steps");
    public IRolloutStore Store { get; }
    public IAuditLog Audit { get; }
    /// <summary>What the app logged (information and above).</summary>
    public LogRecorder Logs { get; } = new();
    /// <summary>This app's <c>github-work</c> queue (give two apps the same name to hand work from one to the other).</summary>
    public string WorkQueue { get; }
    /// <summary>When set, the release configs throw this (a dependency down while the work runs).</summary>
    public string? ConfigsFail { get; set; }
    private readonly ConcurrentDictionary<string, string> _outcomes = new();
    private readonly bool _listen;
    public WebApplication App { get; }
    public HttpClient Client { get; private set; }
    private readonly IQueueService _queues;
    private readonly System.Security.Cryptography.RSA _key = System.Security.Cryptography.RSA.Create(2048);

    private GitHubWebhookApp(AzuriteFixture azurite, string? workQueue, bool listen)
    {
        WorkQueue = workQueue ?? AzuriteFixture.NewName("github");
        _listen = listen;
        GitHub = new GitHubDouble(Time) { AppKey = _key, AppIssuer = GitHubTestApp.ClientId };
        GitHub.AddInstallation(99, Repo);
        // Storage requests are signed with the real clock (Azurite checks x-ms-date); the bot's decisions use the fake one.
        var tables = azurite.CreateTableService();
        _queues = azurite.CreateQueueService();
        Store = new TableRolloutStore(tables, Storage);
        Audit = new TableAuditLog(tables, Storage);
        var scheduler = new QueueStepScheduler(new WorkQueue<StepWork>(_queues, StepQueue), Time);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:ClientId"] = GitHubTestApp.ClientId,
            ["GitHub:PrivateKey"] = _key.ExportPkcs8PrivateKeyPem(),
            ["GitHub:WebhookSecret"] = GitHubTestApp.WebhookSecret,
        });
        var s = builder.Services;
        s.AddSingleton<TimeProvider>(Time);
        s.AddSingleton<ITableService>(tables);
        s.AddSingleton(Store);
        s.AddSingleton(Audit);
        s.AddSingleton<IStepScheduler>(scheduler);
        s.AddSingleton<IGitHubOutputStore>(new TableGitHubOutputStore(tables, AzuriteFixture.NewName("githubout")));
        s.AddSingleton<IDeploymentGateStore>(new TableDeploymentGateStore(tables, AzuriteFixture.NewName("gates")));
        s.AddSingleton<ITrafficRouter>(Router);
        s.AddSingleton<IDeploymentController, NullDeploymentController>();
        s.AddSingleton<IReleaseConfigs>(new ListConfigs(this));
        s.AddSingleton(_queues);
        s.AddSingleton(Catalog);
        s.AddSingleton(sp => new WorkQueue<GitHubWork>(_queues, WorkQueue, sp.GetRequiredService<IServiceScopeFactory>()));
        s.AddProblemAnswers(); // failures answer as the app's do (problem documents)
        builder.AddGitHub();
        if (listen)
            s.AddHostedService(sp => new QueueListener(Function(WorkQueue), Listening,
                new RecordingHandler(sp.GetRequiredService<WorkQueue<GitHubWork>>(), _outcomes).RunAsync, _queues, tables, TimeProvider.System,
                sp.GetRequiredService<ILogger<QueueListener>>()));
        s.AddHttpClient(GitHubConnection.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => GitHub);
        s.AddSingleton(sp => new RolloutExecutor(Store, Router, new NullDeploymentController(),
            sp.DirectNotifier(), scheduler, Audit, RolloutMachine.Decide, Time));
        s.AddSingleton(sp => new CommandPipeline(Store, sp.GetRequiredService<RolloutExecutor>(), sp.GetRequiredService<IReleaseConfigs>(), Audit, Time));
        App = builder.Build();
        App.UseProblemAnswers();
        App.MapFunctions(Bot.Functions.GitHub.GitHubWebhookTrigger.Name);
        Client = null!;
    }

    /// <summary>Quick polling and few attempts, as the API tests' host.json.</summary>
    public static readonly QueueHostOptions Listening = new()
    {
        MaxPollingInterval = TimeSpan.FromMilliseconds(200), VisibilityTimeout = TimeSpan.Zero, MaxDequeueCount = 2,
    };

    /// <summary>The build's functions.metadata.</summary>
    public static readonly FunctionCatalog Catalog = new(Support.BuildOutput.Folder);

    /// <summary>The <c>GitHubWork</c> function as read from the build's functions.metadata, on <paramref name="queue"/>.</summary>
    public static FunctionDefinition Function(string queue) => Catalog.Find(Bot.Functions.GitHub.GitHubWorkTrigger.Name)! with { QueueName = queue };

    public static async Task<GitHubWebhookApp> CreateAsync(AzuriteFixture azurite, string? workQueue = null, bool listen = true,
        Action<GitHubWebhookApp>? setup = null)
    {
        var app = new GitHubWebhookApp(azurite, workQueue, listen);
        setup?.Invoke(app);
        await app._queues.CreateIfNotExistsAsync(app.StepQueue, default);
        await app.App.StartAsync();
        app.Client = app.App.GetTestClient();
        return app;
    }

    /// <summary>GitHub's workflow_run example is a queued run; as the completed, successful run it stands for.</summary>
    public static string SuccessfulRun()
    {
        var run = Fixture("workflow_run.completed.0.json");
        run["workflow_run"]!["status"] = "completed";
        run["workflow_run"]!["conclusion"] = "success";
        return run.ToJsonString();
    }

    /// <summary>GitHub's issue_comment example, moved onto pull request #1, with <paramref name="body"/> by <paramref name="login"/>.</summary>
    public static string PrComment(string body, string login, long commentId = 5550001)
    {
        var c = Fixture("issue_comment.created.0.json");
        c["issue"]!["pull_request"] = new JsonObject { ["url"] = "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
        c["comment"]!["body"] = body;
        c["comment"]!["id"] = commentId;
        c["comment"]!["user"]!["login"] = login;
        c["sender"]!["login"] = login;
        return c.ToJsonString();
    }

    /// <summary>GitHub's check_run requested_action example, on this app's repository and installation, for the rollout's check run.</summary>
    public static string CheckRunAction(string rolloutId, string identifier, string login = "codebytere")
    {
        var action = Fixture("check_run.requested_action.6.json");
        action["repository"]!["full_name"] = Repo.FullName;
        action["check_run"]!["external_id"] = rolloutId;
        action["requested_action"]!["identifier"] = identifier;
        action["installation"]!["id"] = 99;
        action["sender"]!["login"] = login;
        return action.ToJsonString();
    }

    public static ReleaseConfig Config(TriggerSpec trigger) => new()
    {
        Service = "hello-world",
        Namespace = "shop",
        Route = new RouteSpec { VirtualService = "hello", RouteName = "primary", DestinationRule = "hello" },
        Deployments = new DeploymentSpec { Canary = "hello-canary", Stable = "hello", ImageTemplate = "registry.example.com/hello:{version}" },
        Steps = [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new PromoteStep()],
        GitHubRepo = Repo.FullName,
        Trigger = trigger,
        Source = "releases/hello-world.yaml",
    };

    public static JsonObject Fixture(string name) => JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "webhooks", name)))!.AsObject();

    /// <summary>Posts a delivery signed with the webhook secret (or <paramref name="signature"/> when given); when it was
    /// queued and this app listens and <paramref name="process"/> is true, waits until the queue trigger has done it once (or failed).</summary>
    public async Task<HttpResponseMessage> PostAsync(string eventName, string body, string? delivery = null, string? signature = null, bool process = true)
    {
        delivery ??= Guid.NewGuid().ToString();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/github") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        request.Headers.Add("X-Hub-Signature-256", signature ?? WebhookSignature.Compute(GitHubTestApp.WebhookSecret, bytes));
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/044aadd");
        // A redelivery of an id this app already did waits for (and reports) its own outcome, not the first one's.
        _outcomes.TryRemove(delivery, out _);
        var response = await Client.SendAsync(request);
        if (process && _listen && response.StatusCode == System.Net.HttpStatusCode.Accepted && (await response.Content.ReadAsStringAsync()).Contains("\"queued\":true"))
            await ProcessedAsync(delivery);
        return response;
    }

    /// <summary>Waits until this app's queue trigger has done <paramref name="delivery"/> once (or failed at it); returns what it led to.</summary>
    public async Task<string> ProcessedAsync(string delivery)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string? outcome;
        while (!_outcomes.TryGetValue(delivery, out outcome))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"delivery {delivery} was queued but never processed");
            await Task.Delay(20);
        }
        return outcome;
    }

    /// <summary>What the queue trigger's first attempt at <paramref name="response"/>'s delivery led to (the handler's
    /// outcome, or <c>failed: …</c>), after the 202 body; just the body when nothing was queued.</summary>
    public async Task<string> OutcomeOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var delivery = response.RequestMessage!.Headers.GetValues("X-GitHub-Delivery").Single();
        return _outcomes.TryGetValue(delivery, out var outcome) ? body + "\n" + outcome : body;
    }

    /// <summary>Runs step messages from the Azurite queue as the queue trigger would, one at a time, until none is
    /// visible (the plans here have no bakes, so every step is due at once; an approval step waits without a message).</summary>
    public async Task RunStepsAsync(int max = 20)
    {
        var executor = App.Services.GetRequiredService<RolloutExecutor>();
        for (var i = 0; i < max; i++)
        {
            var batch = await _queues.ReceiveAsync(StepQueue, 1, TimeSpan.FromSeconds(30), default);
            if (batch.Count == 0) return;
            var step = StepWork.Parse(batch[0].Text).Step;
            await executor.ExecuteAsync(step.Service, new StepDue(step.RolloutId, step.StepIndex) { By = Actor.Timer }, default);
            await _queues.DeleteMessageAsync(StepQueue, batch[0].MessageId, batch[0].PopReceipt, default);
        }
    }

    public async Task<ServiceState?> StateAsync() => (await Store.GetAsync("hello-world", default))?.Value;

    /// <summary>The stored row's ETag and state JSON: equal snapshots mean nothing was written.</summary>
    public async Task<string> SnapshotAsync() =>
        (await Store.GetAsync("hello-world", default)) is { } v ? $"{v.ETag} {StateJson.Serialize(v.Value)}" : "(none)";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        _key.Dispose();
    }

    private sealed class ListConfigs(GitHubWebhookApp app) : IReleaseConfigs
    {
        public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(Configs().FirstOrDefault(c => c.Service == service));
        public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>(Configs());
        private List<ReleaseConfig> Configs() => app.ConfigsFail is { } why ? throw new InvalidOperationException(why) : app.Configs;
    }

    /// <summary>Records, per delivery, what the first attempt led to, and passes the result or failure on to the listener.</summary>
    private sealed class RecordingHandler(WorkQueue<GitHubWork> inner, ConcurrentDictionary<string, string> outcomes)
    {
        public async Task RunAsync(string message, CancellationToken ct)
        {
            var delivery = GitHubWork.Parse(message).Delivery.DeliveryId;
            try
            {
                // What GitHubWorkTrigger does, with the outcome kept.
                outcomes.TryAdd(delivery, await inner.RunAsync(message, null, ct));
            }
            catch (Exception e)
            {
                outcomes.TryAdd(delivery, "failed: " + e.Message);
                throw;
            }
        }
    }
}

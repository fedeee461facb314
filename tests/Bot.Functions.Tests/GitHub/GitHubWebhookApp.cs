using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.GitHub;
using Bot.Functions.Releases;
using Bot.TestKit;
using Bot.TestKit.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Functions.Tests.GitHub;

/// <summary>The GitHub endpoint, handler and notifier wired as in Program (AddGitHub/MapGitHub) over the real
/// executor and engine, with GitHub played by the contract double and state in memory.</summary>
public sealed class GitHubWebhookApp : IAsyncDisposable
{
    public static readonly RepoRef Repo = new("Codertocat", "Hello-World");

    public FakeTimeProvider Time { get; } = new();
    public GitHubDouble GitHub { get; }
    public InMemoryRolloutPorts Ports { get; } = new();
    public RecordingTrafficRouter Router { get; } = new();
    public List<ReleaseConfig> Configs { get; } = [];
    public WebApplication App { get; }
    public HttpClient Client { get; }
    private readonly System.Security.Cryptography.RSA _key = System.Security.Cryptography.RSA.Create(2048);

    public GitHubWebhookApp(IRepoConfigParser? parser = null)
    {
        GitHub = new GitHubDouble(Time) { AppKey = _key, AppIssuer = GitHubTestApp.ClientId };
        GitHub.AddInstallation(99, Repo);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:ClientId"] = GitHubTestApp.ClientId,
            ["GitHub:PrivateKey"] = _key.ExportPkcs8PrivateKeyPem(),
            ["GitHub:WebhookSecret"] = GitHubTestApp.WebhookSecret,
        });
        var s = builder.Services;
        s.AddSingleton<TimeProvider>(Time);
        s.AddSingleton<IRolloutStore>(Ports);
        s.AddSingleton<IAuditLog>(Ports);
        s.AddSingleton<IDeliveryDedup>(Ports);
        s.AddSingleton<IStepScheduler>(Ports);
        s.AddSingleton<ITrafficRouter>(Router);
        s.AddSingleton<IDeploymentController, NullDeploymentController>();
        s.AddSingleton<IReleaseConfigs>(new ListConfigs(Configs));
        if (parser is not null) s.AddSingleton(parser);
        builder.AddGitHub();
        s.AddHttpClient<GitHubConnection>().ConfigurePrimaryHttpMessageHandler(() => GitHub);
        s.AddSingleton(sp => new RolloutExecutor(sp.GetRequiredService<IRolloutStore>(), Router, new NullDeploymentController(),
            new CompositeNotifier(sp.GetServices<INotifier>()), Ports, Ports, RolloutMachine.Decide, Time));
        App = builder.Build();
        App.MapGitHub();
        App.StartAsync().GetAwaiter().GetResult();
        Client = App.GetTestClient();
    }

    public static Task<GitHubWebhookApp> CreateAsync() => Task.FromResult(new GitHubWebhookApp());

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
        Steps = [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new PromoteStep()],
        GitHubRepo = Repo.FullName,
        Trigger = trigger,
        Source = "releases/hello-world.yaml",
    };

    public static JsonObject Fixture(string name) => JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "webhooks", name)))!.AsObject();

    /// <summary>Posts a delivery signed with the webhook secret (or <paramref name="signature"/> when given).</summary>
    public Task<HttpResponseMessage> PostAsync(string eventName, string body, string? delivery = null, string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/github") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", signature ?? WebhookSignature.Compute(GitHubTestApp.WebhookSecret, bytes));
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/044aadd");
        return Client.SendAsync(request);
    }

    /// <summary>Runs due step messages as the queue trigger would, moving the clock to each, until none is left
    /// (bakes pass instantly; an approval step waits without scheduling).</summary>
    public async Task RunStepsAsync(int max = 20)
    {
        var executor = App.Services.GetRequiredService<RolloutExecutor>();
        for (var i = 0; i < max && Ports.Scheduled.TryDequeue(out var next); i++)
        {
            if (next.At > Time.GetUtcNow()) Time.SetUtcNow(next.At);
            await executor.ExecuteAsync(next.Message.Service, new StepDue(next.Message.RolloutId, next.Message.StepIndex) { By = Actor.Timer }, default);
        }
    }

    public async Task<ServiceState?> StateAsync() => (await Ports.GetAsync("hello-world", default))?.Value;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        _key.Dispose();
    }

    private sealed class ListConfigs(List<ReleaseConfig> configs) : IReleaseConfigs
    {
        public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(configs.FirstOrDefault(c => c.Service == service));
        public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>(configs);
    }
}

using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Core.Commands;
using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Core.Ports;
using Bot.Adapters.Storage;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Functions.Standalone;
using Bot.Functions.Slack;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Bot.Functions.Tests.Slack;

/// <summary>A minimal app with only the Slack area (AddSlack and the Slack functions) over the Slack double and a fake engine gateway.
/// The work queue is a real one on Azurite, consumed (unless <c>listen</c> is false) by the standalone
/// <see cref="QueueListener"/> running <see cref="Bot.Functions.Slack.SlackWorkTrigger"/>, as the host does.</summary>
public sealed class SlackTestApp : IAsyncDisposable
{
    public const string Secret = "test-signing-secret";
    public const string Channel = "C0CHECKOUT1";

    public FakeTimeProvider Time { get; } = new(SlackRolloutSamples.Start.AddMinutes(2));
    public SlackDouble Slack { get; } = new SlackDouble().WithChannel(Channel)
        .WithUser("U0ALICE01", "alice").WithUser("U0BOB0001", "bob").WithUser("U0MALLORY", "mallory")
        .WithUserGroup("S0SRE0001", "U0BOB0001");
    /// <summary>The service states and archive: what commands read and the engine writes.</summary>
    internal InMemoryRolloutStore Store { get; } = new();
    /// <summary>The engine without I/O: decides each input with <see cref="RolloutMachine.Decide"/> on <see cref="Store"/>.</summary>
    internal FakeRolloutRunner Rollouts { get; }
    /// <summary>What the command pipeline recorded (refused attempts, among others).</summary>
    internal RecordingAuditLog Audit { get; } = new();

    /// <summary>Makes <paramref name="rollout"/> its service's active (or, finished, last) rollout.</summary>
    internal void Seed(RolloutState rollout)
    {
        Store.Overwrite(new ServiceState
        {
            Service = rollout.Service, Sequence = 7,
            Active = rollout.IsTerminal ? null : rollout, LastFinished = rollout.IsTerminal ? rollout : null,
        });
        Store.ArchiveAsync(rollout, CancellationToken.None).GetAwaiter().GetResult();
    }
    public WebApplication App { get; }
    public HttpClient Client { get; private set; } = null!;

    private SlackTestApp(WebApplication app)
    {
        App = app;
        Rollouts = new FakeRolloutRunner(Store, Time);
    }

    /// <summary>The <c>slack-work</c> queue of this app (give two apps the same name to hand work from one to the other).</summary>
    public string Queue { get; private init; } = "";

    public static async Task<SlackTestApp> StartAsync(AzuriteFixture azurite, Action<IServiceCollection>? configure = null, string? queue = null, bool listen = true)
    {
        queue ??= AzuriteFixture.NewName("slack");
        SlackTestApp? self = null;
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var holder = new Holder();
        builder.Services.AddSlack();
        builder.Services.Configure<SlackOptions>(o =>
        {
            o.SigningSecret = Secret;
            o.BotToken = SlackDouble.BotToken;
            o.RetryBaseDelay = TimeSpan.Zero;
            o.UserGroups["sre"] = "S0SRE0001";
        });
        builder.Services.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => holder.App!.Slack);
        builder.Services.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => holder.App!.Slack);
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_ => holder.App!.Time));
        builder.Services.AddSingleton<IReleaseConfigs>(new StaticReleaseConfigs(SlackRolloutSamples.Config()));
        builder.Services.AddSingleton<IRolloutStore>(_ => holder.App!.Store);
        builder.Services.AddSingleton(sp => new CommandPipeline(holder.App!.Store, holder.App!.Rollouts, sp.GetRequiredService<IReleaseConfigs>(),
            holder.App!.Audit, holder.App!.Time, sp.GetService<Bot.Adapters.Freezes.FreezeService>(), sp.GetService<Bot.Functions.Orphans.OrphanRestore>()));
        // Storage signs with the real clock (Azurite checks x-ms-date), and the listener polls on it.
        builder.Services.AddSingleton<IQueueService>(azurite.CreateQueueService());
        builder.Services.AddSingleton<ITableService>(azurite.CreateTableService());
        builder.Services.AddSingleton(sp => new WorkQueue<SlackWork>(sp.GetRequiredService<IQueueService>(), queue, sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddSingleton(Catalog);
        if (listen)
            builder.Services.AddHostedService(sp => new QueueListener(Function(queue), Listening,
                (text, ct) => ActivatorUtilities.CreateInstance<Bot.Functions.Slack.SlackWorkTrigger>(sp).RunAsync(text, ct),
                sp.GetRequiredService<IQueueService>(), sp.GetRequiredService<ITableService>(), TimeProvider.System,
                sp.GetRequiredService<ILogger<QueueListener>>()));
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapFunctions(Bot.Functions.Slack.SlackCommandsTrigger.Name, Bot.Functions.Slack.SlackInteractionsTrigger.Name);
        self = new SlackTestApp(app) { Queue = queue };
        holder.App = self;
        await app.StartAsync();
        self.Client = app.GetTestClient();
        return self;
    }

    private sealed class Holder { public SlackTestApp? App; }

    /// <summary>Quick polling and few attempts, as the API tests' host.json.</summary>
    public static readonly QueueHostOptions Listening = new()
    {
        MaxPollingInterval = TimeSpan.FromMilliseconds(200), VisibilityTimeout = TimeSpan.Zero, MaxDequeueCount = 2,
    };

    /// <summary>The build's functions.metadata.</summary>
    public static readonly FunctionCatalog Catalog = new(Support.BuildOutput.Folder);

    /// <summary>The <c>SlackWork</c> function as read from the build's functions.metadata, on <paramref name="queue"/>.</summary>
    public static FunctionDefinition Function(string queue) => Catalog.Find(Bot.Functions.Slack.SlackWorkTrigger.Name)! with { QueueName = queue };

    private SlackRequests Requests => new(Secret, Channel, Time);

    public HttpRequestMessage Signed(string path, string body, DateTimeOffset? at = null, string? secret = null) => Requests.Signed(path, body, at, secret);

    public string CommandBody(string text, string user = "U0ALICE01", string? triggerId = null) => Requests.CommandBody(text, user, triggerId);

    public string ClickBody(string actionId, string value, string user, string? actionTs = null, string? triggerId = null) =>
        Requests.ClickBody(actionId, value, user, actionTs, triggerId);

    /// <summary>Waits until Slack has received <paramref name="count"/> response_url replies (work is asynchronous).</summary>
    public async Task<IReadOnlyList<(Uri Url, JsonObject Body)>> RepliesAsync(int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Slack.ResponseUrlPosts.Count < count) await Task.Delay(5, cts.Token);
        return Slack.ResponseUrlPosts;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Stands in for the executor: decides each input with the real engine on the store and applies no effects;
/// <see cref="Inputs"/> are the inputs that reached the engine, <see cref="Accepted"/> those it accepted and acted on (not
/// repeats of a delivery it had acted on).</summary>
internal sealed class FakeRolloutRunner(InMemoryRolloutStore store, TimeProvider time) : IRolloutRunner
{
    public List<RolloutInput> Inputs { get; } = [];
    public List<RolloutInput> Accepted { get; } = [];

    public async Task<ExecutionResult> ExecuteAsync(string service, RolloutInput input, CancellationToken ct)
    {
        lock (Inputs) Inputs.Add(input);
        var state = (await store.GetAsync(service, ct))?.Value ?? ServiceState.Empty(service);
        var decision = RolloutMachine.Decide(state, input, time.GetUtcNow());
        if (!decision.Accepted || decision.Repeated) return new ExecutionResult(decision, state, [], []);
        lock (Accepted) Accepted.Add(input);
        store.Overwrite(decision.State with { Pending = [] });
        return new ExecutionResult(decision, decision.State, [], []);
    }
}

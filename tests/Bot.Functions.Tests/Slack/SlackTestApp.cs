using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Core.Rollouts;
using Bot.Core.Ports;
using Bot.Functions.Releases;
using Bot.Functions.Slack;
using Bot.Functions.Tests.Support;
using Bot.TestKit;
using Bot.TestKit.Slack;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Bot.Functions.Tests.Slack;

/// <summary>A minimal app with only the Slack area (AddSlack/MapSlack) over the Slack double and a fake engine gateway.</summary>
public sealed class SlackTestApp : IAsyncDisposable
{
    public const string Secret = "test-signing-secret";
    public const string Channel = "C0CHECKOUT1";

    public FakeTimeProvider Time { get; } = new(SlackRolloutSamples.Start.AddMinutes(2));
    public SlackDouble Slack { get; } = new SlackDouble().WithChannel(Channel)
        .WithUser("U0ALICE01", "alice").WithUser("U0BOB0001", "bob").WithUser("U0MALLORY", "mallory")
        .WithUserGroup("S0SRE0001", "U0BOB0001");
    public FakeRolloutGateway Rollouts { get; } = new();
    /// <summary>What slash commands read (status, history, the active rollout); the gateway does the writes.</summary>
    internal InMemoryRolloutStore Store { get; } = new();
    public WebApplication App { get; }
    public HttpClient Client { get; private set; } = null!;

    private SlackTestApp(WebApplication app) => App = app;

    public static async Task<SlackTestApp> StartAsync(Action<IServiceCollection>? configure = null)
    {
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
        builder.Services.AddSingleton<ISlackRolloutGateway>(_ => holder.App!.Rollouts);
        builder.Services.AddSingleton<IReleaseConfigs>(new StaticReleaseConfigs(SlackRolloutSamples.Config()));
        builder.Services.AddSingleton<IRolloutStore>(_ => holder.App!.Store);
        configure?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapSlack();
        self = new SlackTestApp(app);
        holder.App = self;
        await app.StartAsync();
        self.Client = app.GetTestClient();
        return self;
    }

    private sealed class Holder { public SlackTestApp? App; }

    public HttpRequestMessage Signed(string path, string body, DateTimeOffset? at = null, string? secret = null)
    {
        var ts = (at ?? Time.GetUtcNow()).ToUnixTimeSeconds().ToString();
        var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        req.Headers.Add(SlackSignature.TimestampHeader, ts);
        req.Headers.Add(SlackSignature.SignatureHeader, SlackSignature.ComputeString(secret ?? Secret, ts, Encoding.UTF8.GetBytes(body)));
        return req;
    }

    private int _trigger;

    public string CommandBody(string text, string user = "U0ALICE01", string? triggerId = null) =>
        $"token=legacy&team_id=T0000TEAM&team_domain=shop&channel_id={Channel}&channel_name=releases&user_id={user}&user_name={Name(user)}" +
        $"&command=%2Frelease&text={Uri.EscapeDataString(text)}&response_url={Uri.EscapeDataString($"https://hooks.slack.com/commands/T0000TEAM/{user}/{Interlocked.Increment(ref _trigger)}")}" +
        $"&trigger_id={triggerId ?? $"1.2.{_trigger}"}&api_app_id=A0RELEASE1";

    public string ClickBody(string actionId, string value, string user, string? actionTs = null, string? triggerId = null)
    {
        var n = Interlocked.Increment(ref _trigger);
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = "T0000TEAM", ["domain"] = "shop" },
            ["user"] = new JsonObject { ["id"] = user, ["username"] = Name(user), ["name"] = Name(user), ["team_id"] = "T0000TEAM" },
            ["api_app_id"] = "A0RELEASE1",
            ["token"] = "legacy",
            ["trigger_id"] = triggerId ?? $"9.8.{n}",
            ["response_url"] = $"https://hooks.slack.com/actions/T0000TEAM/{n}/x",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000101", ["channel_id"] = Channel, ["is_ephemeral"] = false },
            ["channel"] = new JsonObject { ["id"] = Channel, ["name"] = "releases" },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button", ["action_id"] = actionId, ["block_id"] = "rollout", ["value"] = value,
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = actionId }, ["action_ts"] = actionTs ?? $"1700000100.{n:D6}",
            }),
        };
        return "payload=" + Uri.EscapeDataString(payload.ToJsonString());
    }

    private static string Name(string user) => user switch { "U0ALICE01" => "alice", "U0BOB0001" => "bob", _ => "mallory" };

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

/// <summary>Stands in for the executor: keeps rollouts, records inputs, approves by moving to the next weight.</summary>
public sealed class FakeRolloutGateway : ISlackRolloutGateway
{
    public Dictionary<string, RolloutState> Rollouts { get; } = [];
    public List<RolloutInput> Inputs { get; } = [];

    public Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct) =>
        Task.FromResult(Rollouts.TryGetValue(rolloutId, out var r) ? r : null);

    public Task<SlackRolloutOutcome> ExecuteAsync(string service, RolloutInput input, CancellationToken ct)
    {
        lock (Inputs) Inputs.Add(input);
        var r = Rollouts.Values.Single(x => x.Service == service);
        if (input is Approve && r.StartedBy.SamePerson(input.By))
            return Task.FromResult(new SlackRolloutOutcome(new Refusal(RefusalKind.Forbidden, "you started this rollout; another approver must approve"), null, r));
        var next = input switch
        {
            Approve => r with { Phase = RolloutPhase.Progressing, StepIndex = r.StepIndex + 1, CanaryWeight = 50 },
            Rollback => r with { Phase = RolloutPhase.RolledBack, CanaryWeight = 0 },
            Pause => r with { Phase = RolloutPhase.Paused },
            _ => r,
        };
        Rollouts[r.Id] = next;
        return Task.FromResult(new SlackRolloutOutcome(null, $"{input.GetType().Name.ToLowerInvariant()}d {service}", next));
    }
}

using System.Diagnostics;
using System.Net;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Commands;
using Bot.Functions.Slack;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Bot.TestKit.Slack;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Slack;

/// <summary>
/// Issue 9, finding 1: a slash command is bound at intake to the rollout the person saw, and a reply that fails is retried
/// as a reply, never by running the command again. The real app (Program) on Azurite, the Slack double (its response_url
/// made unreachable for a post), the recording router; outcomes read from the engine, the audit table and the slack-work queue.
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class SlackBindingTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private sealed class Harness(AzuriteFixture azurite) : IAsyncDisposable
    {
        public TestAppRoot Root { get; } = new();
        public string Service { get; } = "shop-" + Guid.NewGuid().ToString("N")[..8];
        public SlackDouble Slack { get; } = new SlackDouble().WithUser("U0ALICE01", "alice");
        public BotApplication App { get; private set; } = null!;
        public HttpClient Http { get; private set; } = null!;
        public HttpClient Api { get; private set; } = null!;
        public SlackRequests Requests { get; } = new(TestAppRoot.SlackSigningSecret, "C0CHECKOUT1", TimeProvider.System);

        public Harness Start(TimeSpan? answerBudget = null)
        {
            Root.AddIssuePlan(Service);
            App = new BotApplication(azurite, Root, services: s =>
            {
                s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => Slack);
                s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => Slack);
                s.Configure<SlackOptions>(o =>
                {
                    o.RetryBaseDelay = TimeSpan.Zero;
                    if (answerBudget is { } budget) o.AnswerBudget = budget;
                });
            });
            Http = App.CreateClient();
            Api = App.Client(TestAppRoot.DeployerKey);
            return this;
        }

        /// <summary>Starts a rollout through the command API and waits until it waits for approval at 10%.</summary>
        public async Task<string> StartRolloutAsync(string version)
        {
            var started = await Api.PostJsonAsync("/api/rollouts", new { service = Service, version });
            Assert.Equal(HttpStatusCode.Created, started.StatusCode);
            var id = (string)(await started.JsonAsync())["rollout"]!["id"]!;
            await Api.WaitForAsync($"/api/rollouts/{id}", r => (string?)r["phase"] == "waitingApproval");
            return id;
        }

        public async Task<string> PhaseAsync(string id) => (string)(await (await Api.GetAsync($"/api/rollouts/{id}")).JsonAsync())["phase"]!;

        public async Task<List<string>> AuditAsync(string id) =>
            [.. (await new TableAuditLog(azurite.CreateTableService()).ListAsync(Service, id, default)).Select(e => e.Action)];

        public async Task<HttpResponseMessage> CommandAsync(string text) =>
            await Http.SendAsync(Requests.Signed("/api/slack/commands", Requests.CommandBody(text, "U0ALICE01")));

        /// <summary>Waits for the first response_url reply that reached Slack.</summary>
        public async Task<string> ReplyAsync()
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (Slack.ResponseUrlPosts.Count == 0)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("no reply reached the response_url");
                await Task.Delay(50);
            }
            return (string)Slack.ResponseUrlPosts[0].Body["text"]!;
        }

        /// <summary>Waits until the slack-work queue and its poison queue hold nothing visible (all work settled).</summary>
        public async Task QueueDrainedAsync()
        {
            var queues = azurite.CreateQueueService();
            var poison = QueueListener.PoisonQueueOf(Root.SlackQueue);
            await queues.CreateIfNotExistsAsync(poison, default);
            await WorkQueueProbe.WaitUntilAsync(async () => (await queues.PeekAsync(Root.SlackQueue, 32, default)).Count == 0);
            Assert.Empty(await queues.PeekAsync(poison, 32, default));
        }

        /// <summary>Stops the app (its queue triggers with it).</summary>
        public async Task StopAsync()
        {
            if (_stopped) return;
            _stopped = true;
            await App.DisposeAsync();
        }
        private bool _stopped;

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            Root.Dispose();
        }
    }

    [Fact]
    public async Task RollbackCommand_AnswerBudgetSpent_AnsweredWorkingOnItAndDoneOnceUnderTheLease()
    {
        // No time to work before the answer: the command is put on slack-work (leased to this process) and answered at once.
        await using var bot = new Harness(azurite).Start(answerBudget: TimeSpan.Zero);
        var id = await bot.StartRolloutAsync("1.0.0");

        var ack = await bot.CommandAsync($"rollback {bot.Service}");
        Assert.Contains("working on it", await ack.Content.ReadAsStringAsync());

        Assert.StartsWith($"{id} rolled back", await bot.ReplyAsync());
        await bot.QueueDrainedAsync();
        Assert.Equal("rolledBack", await bot.PhaseAsync(id));
        Assert.Single(await bot.AuditAsync(id), a => a == "rollback");
        Assert.Single(bot.Slack.ResponseUrlPosts);
        bot.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task RollbackCommand_ReplyFailsWhileANewRolloutStarts_RetryDeliversTheReplyAndNeverTouchesTheNewRollout()
    {
        await using var bot = new Harness(azurite).Start();
        var first = await bot.StartRolloutAsync("1.0.0");
        string? second = null;
        // The reply of the rollback cannot reach Slack; meanwhile a push starts the service's next rollout.
        bot.Slack.ResponseUrlUnreachableNext(1, async () => second = await bot.StartRolloutAsync("2.0.0"));

        var ack = await bot.CommandAsync($"rollback {bot.Service}");
        // Done before Slack was answered: the failed reply was put on the queue as reply-only work.
        Assert.Equal("", await ack.Content.ReadAsStringAsync());

        var reply = await bot.ReplyAsync();
        await bot.QueueDrainedAsync();
        Assert.Equal(1, bot.Slack.UnreachableResponseUrlPosts);
        Assert.NotNull(second);
        // The reply the person gets is the rollback of the rollout they saw, delivered on the retry.
        Assert.StartsWith($"{first} rolled back", reply);
        Assert.Single(bot.Slack.ResponseUrlPosts);
        Assert.Equal("rolledBack", await bot.PhaseAsync(first));
        Assert.Single(await bot.AuditAsync(first), a => a == "rollback");
        // The newer rollout was never touched.
        Assert.Equal("waitingApproval", await bot.PhaseAsync(second!));
        Assert.DoesNotContain("rollback", await bot.AuditAsync(second!));
        bot.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task PauseCommand_ReplyFailsOnce_ReplyIsDeliveredOnRetryAndTheCommandRanOnce()
    {
        await using var bot = new Harness(azurite).Start();
        var id = await bot.StartRolloutAsync("1.0.0");
        bot.Slack.ResponseUrlUnreachableNext(1);

        var clock = Stopwatch.StartNew();
        await bot.CommandAsync($"pause {bot.Service}");
        var reply = await bot.ReplyAsync();
        output.WriteLine($"command to delivered reply (one failed post, then the reply-only retry): {clock.Elapsed.TotalMilliseconds:F0} ms");
        await bot.QueueDrainedAsync();

        Assert.Equal(1, bot.Slack.UnreachableResponseUrlPosts);
        Assert.StartsWith($"{id} paused at", reply);
        Assert.Single(bot.Slack.ResponseUrlPosts);
        Assert.Equal("paused", await bot.PhaseAsync(id));
        Assert.Single(await bot.AuditAsync(id), a => a == "pause");
        bot.Slack.AssertNoViolations();
    }

    [Fact]
    public async Task RollbackCommand_NamingAnOlderRolloutId_IsBoundToItAndRefusedNamingTheActiveOne()
    {
        await using var bot = new Harness(azurite).Start();
        var first = await bot.StartRolloutAsync("1.0.0");
        await bot.CommandAsync($"abort {bot.Service}");
        await bot.ReplyAsync();
        var second = await bot.StartRolloutAsync("2.0.0");
        var before = bot.Slack.ResponseUrlPosts.Count;

        await bot.CommandAsync($"rollback {first}");
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(bot.Slack.ResponseUrlPosts.Count > before));

        var text = (string)bot.Slack.ResponseUrlPosts[before].Body["text"]!;
        Assert.Contains($"{first} ", text);
        Assert.Contains($"{second} ({bot.Service} 2.0.0) is active", text);
        Assert.Contains("Nothing changed", text);
        Assert.Equal("waitingApproval", await bot.PhaseAsync(second));
        Assert.DoesNotContain("rollback", await bot.AuditAsync(second));
    }

    [Fact]
    public async Task SlashCommandWork_CarriesTheActiveRolloutReadAtIntake()
    {
        await using var bot = new Harness(azurite).Start();
        var id = await bot.StartRolloutAsync("1.0.0");
        // The next app consumes nothing: the work is read back from the queue as it was accepted.
        await bot.StopAsync();
        await using var acking = new BotApplication(azurite, bot.Root, runTriggers: false, services: s =>
        {
            s.AddHttpClient<SlackClient>().ConfigurePrimaryHttpMessageHandler(() => bot.Slack);
            s.AddHttpClient(nameof(SlackResponseUrlClient)).ConfigurePrimaryHttpMessageHandler(() => bot.Slack);
        });
        var http = acking.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bot.Requests.Signed("/api/slack/commands", bot.Requests.CommandBody($"approve {bot.Service}", "U0ALICE01", "7.7.7")))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bot.Requests.Signed("/api/slack/commands", bot.Requests.CommandBody($"status {bot.Service}", "U0ALICE01", "7.7.8")))).StatusCode);

        var queued = await WorkQueueProbe.WaitForMessagesAsync(azurite.CreateQueueService(), bot.Root.SlackQueue, 2);
        var work = queued.Select(m => Assert.IsType<SlackCommandWork>(SlackWork.Parse(m.Text))).ToDictionary(w => w.Command.TriggerId);
        // approve: bound to the rollout, revision and step active at intake; status acts on no rollout.
        Assert.Equal(new CommandBinding(bot.Service, id, 1, 1), work["7.7.7"].Binding);
        Assert.Null(work["7.7.8"].Binding);
    }
}

using System.Net;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Execution;
using Bot.Core.Rollouts;
using Bot.Functions.GitHub;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.GitHub;

/// <summary>
/// Issue 9, finding 1, on PR comments: a comment's commands are bound when the webhook is accepted to the rollout active
/// then, and a reply (comment or reaction) that fails is retried as a reply, never by running the commands again.
/// Azurite (state, audit, dedup, github-work), the GitHub contract double (its create-comment made to fail once).
/// </summary>
[Collection(AzuriteFixture.Collection)]
public sealed class GitHubBindingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private GitHubWebhookApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await GitHubWebhookApp.CreateAsync(azurite);
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml" }));
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string> StartAsync(string version)
    {
        var executor = _app.App.Services.GetRequiredService<RolloutExecutor>();
        var result = await executor.ExecuteAsync("hello-world", new StartRollout(version, _app.Configs[0]) { By = new Actor("octocat", "octocat", "github") }, default);
        Assert.Null(result.Decision.Refused);
        await _app.RunStepsAsync();
        var active = (await _app.StateAsync())!.Active!;
        Assert.Equal((version, RolloutPhase.WaitingApproval), (active.Version, active.Phase));
        return active.Id;
    }

    private async Task<List<string>> AuditAsync(string id) => [.. (await _app.Audit.ListAsync("hello-world", id, default)).Select(e => e.Action)];

    /// <summary>Waits until the github-work queue and its poison queue hold nothing visible (all work settled).</summary>
    private async Task DrainedAsync()
    {
        var queues = azurite.CreateQueueService();
        var poison = QueueListener.PoisonQueueOf(_app.WorkQueue);
        await queues.CreateIfNotExistsAsync(poison, default);
        await WorkQueueProbe.WaitUntilAsync(async () => (await queues.PeekAsync(_app.WorkQueue, 32, default)).Count == 0 && !_app.GitHub.Comments.IsEmpty);
        Assert.Empty(await queues.PeekAsync(poison, 32, default));
    }

    [Fact]
    public async Task RollbackComment_ReplyFailsWhileANewRolloutStarts_RetryPostsTheReplyAndNeverTouchesTheNewRollout()
    {
        var first = await StartAsync("1.0.0");
        string? second = null;
        // The reply comment cannot be posted (502); meanwhile a new build starts the service's next rollout.
        _app.GitHub.FailNext("issues/create-comment", HttpStatusCode.BadGateway, 1, async () => second = await StartAsync("2.0.0"));

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release rollback", "mona"));
        await DrainedAsync();

        Assert.NotNull(second);
        var reply = Assert.Single(_app.GitHub.Comments).Body;
        Assert.Contains($"{first} rolled back", reply);
        Assert.Single(_app.GitHub.Reactions, r => r.Content == "+1");
        Assert.Equal(RolloutPhase.RolledBack, (await _app.StateAsync())!.LastFinished!.Phase);
        Assert.Single(await AuditAsync(first), a => a == "rollback");
        // The newer rollout was never touched.
        var active = (await _app.StateAsync())!.Active!;
        Assert.Equal((second, RolloutPhase.WaitingApproval), (active.Id, active.Phase));
        Assert.DoesNotContain("rollback", await AuditAsync(second!));
    }

    [Fact]
    public async Task PauseComment_ReplyFailsOnce_ReplyIsPostedOnRetryAndTheCommandRanOnce()
    {
        var id = await StartAsync("1.0.0");
        _app.GitHub.FailNext("issues/create-comment", HttpStatusCode.BadGateway);

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release pause", "mona"));
        await DrainedAsync();

        var reply = Assert.Single(_app.GitHub.Comments).Body;
        Assert.Contains($"{id} paused at", reply);
        Assert.DoesNotContain("already", reply);
        Assert.Single(_app.GitHub.Reactions, r => r.Content == "+1");
        Assert.Equal(RolloutPhase.Paused, (await _app.StateAsync())!.Active!.Phase);
        Assert.Single(await AuditAsync(id), a => a == "pause");
        Assert.Equal(2, _app.GitHub.RequestsTo("issues/create-comment").Count());
    }

    [Fact]
    public async Task CommentWork_CarriesTheActiveRolloutReadAtIntake()
    {
        var id = await StartAsync("1.0.0");
        await using var acking = await GitHubWebhookApp.CreateAsync(azurite, listen: false, setup: a =>
        {
            a.Configs.AddRange(_app.Configs);
        });
        // The acking app has its own tables: give it this rollout's state.
        var state = (await _app.Store.GetAsync("hello-world", default))!.Value;
        await acking.Store.SaveAsync(state, null, default);

        var response = await acking.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release approve\n/release status", "mona"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var queued = Assert.Single(await WorkQueueProbe.WaitForMessagesAsync(azurite.CreateQueueService(), acking.WorkQueue, 1));
        var work = GitHubWork.Parse(queued.Text);
        Assert.Equal([new CommandBinding("hello-world", id, 1, 1)], work.Bindings);
        Assert.Equal(acking.Time.GetUtcNow(), work.AcceptedAt);
        Assert.Null(work.Reply);
    }
}

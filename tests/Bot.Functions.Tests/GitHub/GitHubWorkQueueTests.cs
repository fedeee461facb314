using System.Net;
using Bot.Adapters.GitHub;
using Bot.Adapters.Storage;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.Functions.GitHub;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.GitHub;

/// <summary>An acknowledged GitHub delivery is on the <c>github-work</c> Storage queue before anything acts on it, so it
/// outlives the process that answered 202; a delivery whose work keeps failing ends in <c>github-work-poison</c> with its reason.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class GitHubWorkQueueTests(AzuriteFixture azurite)
{
    private const string Delivery = "b7e1c0de-1111-11e3-81ab-4c9367dc0958";

    private static void WithWorkflowTrigger(GitHubWebhookApp app) =>
        app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml" }));

    [Fact]
    public async Task WorkflowRun_AckedThenProcessGone_DeliveryIsOnQueueUntouchedAndNextProcessStartsRollout()
    {
        var queue = AzuriteFixture.NewName("github");
        var queues = azurite.CreateQueueService();

        // 1. A process without a running queue trigger answers the delivery, then goes away: nothing was acted on yet.
        await using (var acking = await GitHubWebhookApp.CreateAsync(azurite, queue, listen: false, setup: WithWorkflowTrigger))
        {
            var ack = await acking.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun(), Delivery);
            Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
            Assert.Contains("\"queued\":true", await ack.Content.ReadAsStringAsync());
            Assert.Null(await acking.StateAsync());
            Assert.Empty(acking.GitHub.Requests);
        }

        var peeked = Assert.Single(await queues.PeekAsync(queue, 32, CancellationToken.None));
        var run = Assert.IsType<WorkflowRunEvent>(GitHubWork.Parse(peeked.Text).Delivery);
        Assert.Equal(("workflow_run", Delivery, "completed", "success"), (run.Event, run.DeliveryId, run.Action, run.Conclusion));
        Assert.Equal(GitHubWebhookApp.Repo, run.Repository);

        // 2. The next process's queue trigger does the work.
        await using var next = await GitHubWebhookApp.CreateAsync(azurite, queue, setup: WithWorkflowTrigger);
        Assert.Contains("hello-world: ", await next.ProcessedAsync(Delivery));
        await next.RunStepsAsync();
        var rollout = (await next.StateAsync())!.Active!;
        Assert.Equal((run.HeadSha, RolloutPhase.WaitingApproval), (rollout.Version, rollout.Phase));
        Assert.Empty(next.GitHub.Violations);
    }

    [Fact]
    public async Task Acknowledgements_OfEveryKind_BuildNoOctokitClientAndCallNoGitHub()
    {
        await using var app = await GitHubWebhookApp.CreateAsync(azurite, listen: false, setup: WithWorkflowTrigger);
        var connection = app.App.Services.GetRequiredService<GitHubConnection>();
        var built = connection.ClientsBuilt;
        var requests = app.GitHub.Requests.Count;

        var acks = new[]
        {
            await app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun(), process: false),
            await app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release approve", "mona"), process: false),
            await app.PostAsync("check_run", GitHubWebhookApp.CheckRunAction("hello-world-1", "approve/1/0"), process: false),
        };

        Assert.All(acks, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        Assert.Equal(built, connection.ClientsBuilt);
        Assert.Equal(requests, app.GitHub.Requests.Count);
    }

    [Fact]
    public async Task WorkflowRun_QueuePutRefusedByStorage_Answers503AndGitHubsRedeliveryIsActedOn()
    {
        // Storage refuses the put for real: Azurite rejects a queue name with capitals and underscores.
        await using (var app = await GitHubWebhookApp.CreateAsync(azurite, "Not_A_Queue", listen: false, setup: WithWorkflowTrigger))
        {
            var ack = await app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun(), Delivery);

            // A problem document with Retry-After, as every storage failure of the app answers.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ack.StatusCode);
            Assert.Equal("application/problem+json", ack.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(5), ack.Headers.RetryAfter?.Delta);
            Assert.Contains("a retry is safe", await ack.Content.ReadAsStringAsync());
            Assert.Null(await app.StateAsync());
            Assert.Empty(app.GitHub.Requests);
        }

        // GitHub's redelivery of the same id, once storage takes it, starts the rollout: nothing remembered it as handled.
        await using var next = await GitHubWebhookApp.CreateAsync(azurite, setup: WithWorkflowTrigger);
        var redelivered = await next.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun(), Delivery);
        Assert.Contains("hello-world: ", await next.OutcomeOf(redelivered));
        Assert.NotNull((await next.StateAsync())?.Active);
    }

    [Fact]
    public async Task WorkflowRun_WorkKeepsFailing_MovesToPoisonQueueWithReason()
    {
        var queue = AzuriteFixture.NewName("github");
        var queues = azurite.CreateQueueService();
        var poison = QueueListener.PoisonQueueOf(queue);
        await queues.CreateIfNotExistsAsync(poison, CancellationToken.None); // so it can be peeked before the listener moves anything
        await using var app = await GitHubWebhookApp.CreateAsync(azurite, queue, setup: WithWorkflowTrigger);
        app.ConfigsFail = "release config store is down";

        var ack = await app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun(), Delivery);

        Assert.Equal(HttpStatusCode.Accepted, ack.StatusCode);
        Assert.Contains("failed: release config store is down", await app.OutcomeOf(ack));
        var poisoned = Assert.Single(await WorkQueueProbe.WaitForMessagesAsync(queues, poison, 1));
        Assert.Equal(Delivery, GitHubWork.Parse(poisoned.Text).Delivery.DeliveryId);
        Assert.Empty(await queues.PeekAsync(queue, 32, CancellationToken.None));
        Assert.Contains("release config store is down", Assert.Single(await WorkQueueProbe.PoisonReasonsAsync(azurite, queue)));
        Assert.Null(await app.StateAsync());
        Assert.Empty(app.GitHub.CheckRuns);
    }

    [Fact]
    public void For_HugeComment_KeepsOnlyReleaseLinesSoTheMessageFitsTheQueue()
    {
        var filler = string.Concat(Enumerable.Repeat("quoted log line that is not a command\n", 2000));
        var comment = new IssueCommentEvent(GitHubWebhookApp.Repo, 1, true, 7, filler + "/release approve\n" + filler,
            new GitHubUser("mona", 1), null) { Event = "issue_comment", DeliveryId = Delivery, Action = "created" };

        var json = GitHubWork.For(comment).ToJson();

        Assert.True(json.Length < 4096, $"message is {json.Length} characters");
        var back = Assert.IsType<IssueCommentEvent>(GitHubWork.Parse(json).Delivery);
        Assert.Equal(["/release approve"], GitHubEventHandler.CommandLines(back.Body));
        Assert.Equal((Delivery, "created", "mona"), (back.DeliveryId, back.Action, back.Commenter.Login));
    }
}

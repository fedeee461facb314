using Bot.Adapters.GitHub;
using System.Net;
using System.Text;
using Bot.Functions.Hosting;
using Bot.Functions.Tests.Support;
using System.Text.Json.Nodes;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;
using Bot.Functions.GitHub;
using Bot.TestKit.GitHub;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.GitHub;

[Collection(AzuriteFixture.Collection)]
public class GitHubWebhookEndpointTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private GitHubWebhookApp _app = null!;
    private const string Sha = "5779607b49aab1200488439f02372c57b4f75444";

    public async Task InitializeAsync()
    {
        _app = await GitHubWebhookApp.CreateAsync(azurite);
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml", Branch = "main" }));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<RolloutState> StartAsync()
    {
        var response = await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.RunStepsAsync();
        return (await _app.StateAsync())!.Active!;
    }

    [Fact]
    public async Task WorkflowRunSuccess_StartsRolloutWithCheckRunAndDeployment()
    {
        var rollout = await StartAsync();

        Assert.Equal(Sha, rollout.Version);
        Assert.Equal(RolloutPhase.WaitingApproval, rollout.Phase);
        Assert.Equal("Codertocat", rollout.StartedBy.Id);
        var run = Assert.Single(_app.GitHub.CheckRuns.Values);
        Assert.Equal("release/hello-world", (string?)run["name"]);
        Assert.Equal(Sha, (string?)run["head_sha"]);
        Assert.Equal("in_progress", (string?)run["status"]);
        Assert.Equal(rollout.Id, (string?)run["external_id"]);
        // Bound to the revision and step shown, like Slack's buttons (identifier ≤ 20 characters; external_id is the rollout).
        Assert.Equal([$"approve/1/{rollout.StepIndex}", $"rollback/1/{rollout.StepIndex}", $"pause/1/{rollout.StepIndex}"],
            run["actions"]!.AsArray().Select(a => (string)a!["identifier"]!));
        Assert.Contains("| 2 | approval (1) | **waiting for approval** |", (string?)run["output"]!["summary"]);
        var deployment = Assert.Single(_app.GitHub.Deployments.Values);
        Assert.Equal("production/hello-world", (string?)deployment["environment"]);
        Assert.Contains(_app.GitHub.DeploymentStatuses, s => (string?)s.Status["state"] == "in_progress");
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task WorkflowRunNotSuccessful_StartsNothing()
    {
        var response = await _app.PostAsync("workflow_run", GitHubWebhookApp.Fixture("workflow_run.completed.0.json").ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("only success starts a rollout", await _app.OutcomeOf(response));
        Assert.Null(await _app.StateAsync());
    }

    [Fact]
    public async Task CollaboratorApproveComment_ApprovesAndReplies()
    {
        var rollout = await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";

        var response = await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("Looks good.\n/release approve", "mona"));
        await _app.RunStepsAsync(1);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var state = (await _app.StateAsync())!;
        var after = state.Active ?? state.LastFinished!; // one hop: approve ran the next steps itself
        Assert.NotEqual(RolloutPhase.WaitingApproval, after.Phase);
        Assert.Contains(after.Approvals, a => a.By.Id == "mona" && a.By.Surface == "github");
        Assert.Contains(_app.Router.Calls, c => c.Operation == "setWeight" && c.Argument == "50");
        var reply = Assert.Single(_app.GitHub.Comments);
        Assert.Equal(1, reply.Issue);
        Assert.Contains("@mona", reply.Body);
        Assert.Contains("/release approve", reply.Body);
        Assert.Contains(_app.GitHub.Reactions, r => r.CommentId == 5550001 && r.Content == "+1");
        Assert.Equal(rollout.Id, after.Id);
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task ReadOnlyUserComment_IsRefusedAndChangesNothing()
    {
        await StartAsync();
        var before = await _app.SnapshotAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "octocat")] = "read";

        var response = await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release approve", "octocat"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(before, await _app.SnapshotAsync());
        var reply = Assert.Single(_app.GitHub.Comments);
        Assert.Contains("you may not run release commands", reply.Body);
        Assert.Contains("write, maintain or admin", reply.Body);
        Assert.Contains(_app.GitHub.Reactions, r => r.Content == "-1");
        var refused = Assert.Single(await _app.Audit.ListAsync("hello-world", null, default), a => a.Action.EndsWith("-refused", StringComparison.Ordinal));
        Assert.Equal(("approve-refused", "octocat", "github"), (refused.Action, refused.By.Id, refused.By.Surface));
    }

    [Fact]
    public async Task TeamMemberComment_IsAllowed()
    {
        await StartAsync();
        await _app.DisposeAsync();
        _app = await GitHubWebhookApp.CreateAsync(azurite);
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml" }));
        _app.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Bot.Adapters.GitHub.GitHubOptions>>().Value.CommandTeams.Add("Codertocat/releasers");
        await StartAsync();
        _app.GitHub.TeamMembers[("Codertocat", "releasers", "hubot")] = "member";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release pause", "hubot"));

        Assert.Equal(RolloutPhase.Paused, (await _app.StateAsync())!.Active!.Phase);
    }

    [Fact]
    public async Task CommentOnIssueOrEdited_IsIgnored()
    {
        await StartAsync();
        var before = await _app.SnapshotAsync();
        var onIssue = GitHubWebhookApp.Fixture("issue_comment.created.0.json");
        onIssue["comment"]!["body"] = "/release approve";
        var r1 = await _app.PostAsync("issue_comment", onIssue.ToJsonString());
        var r2 = await _app.PostAsync("issue_comment", GitHubWebhookApp.Fixture("issue_comment.edited.7.json").ToJsonString());
        Assert.Contains("not a pull request", await _app.OutcomeOf(r1));
        Assert.Contains("only new comments", await _app.OutcomeOf(r2));
        Assert.Equal(before, await _app.SnapshotAsync());
        Assert.Empty(_app.GitHub.Comments);
    }

    [Fact]
    public async Task CommandAboutUnknownRollout_RepliesSo()
    {
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "admin";
        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release rollback", "mona"));
        Assert.Contains("hello-world has no rollout in progress", Assert.Single(_app.GitHub.Comments).Body);
    }

    [Fact]
    public async Task CheckRunApproveAction_Approves()
    {
        var rollout = await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "codebytere")] = "write";
        var response = await _app.PostAsync("check_run", GitHubWebhookApp.CheckRunAction(rollout.Id, CheckRunRenderer.ActionId("approve", rollout)));
        await _app.RunStepsAsync(1);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var state = (await _app.StateAsync())!;
        var after = state.Active ?? state.LastFinished!; // one hop: approve ran the next steps itself
        Assert.Contains(after.Approvals, a => a.By.Id == "codebytere");
        Assert.NotEqual(RolloutPhase.WaitingApproval, after.Phase);
    }

    [Fact]
    public async Task QueuedRetryOfACommentItsFirstRunActedOn_AnswersOnceMoreAndChangesNothing()
    {
        await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";
        const string delivery = "5e1f0c2a-cc78-11e3-81ab-4c9367dc0958";
        var parsed = GitHubWebhookParser.Parse("issue_comment", delivery, Encoding.UTF8.GetBytes(GitHubWebhookApp.PrComment("/release pause", "mona")));
        // Accepted a second before its first run acts; that run's process then dies before the lease ends, so the trigger
        // takes the same message again (simulated by putting it twice).
        var work = await GitHubCommandIntake.BindAsync(GitHubWork.For(parsed) with { AcceptedAt = _app.Time.GetUtcNow() },
            _app.App.Services.GetRequiredService<Bot.Core.Ports.IReleaseConfigs>(), _app.App.Services.GetRequiredService<Bot.Core.Ports.IRolloutStore>(), default);
        _app.Time.Advance(TimeSpan.FromSeconds(1));
        var queue = _app.App.Services.GetRequiredService<WorkQueue<GitHubWork>>();

        await queue.EnqueueAsync(work, default);
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(_app.GitHub.Comments.Count == 1));
        var snapshot = await _app.SnapshotAsync();
        await queue.EnqueueAsync(work, default);
        await WorkQueueProbe.WaitUntilAsync(() => Task.FromResult(_app.GitHub.Comments.Count == 2));

        // Its own earlier run acted: the retry says so (the first reply may never have gone out), and changes nothing.
        Assert.Contains("already done on hello-world-1; nothing changed now", _app.GitHub.Comments.Last().Body);
        Assert.Equal(snapshot, await _app.SnapshotAsync());
    }

    [Fact]
    public async Task RedeliveredWebhook_DoesNothing()
    {
        var rollout = await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";
        var body = GitHubWebhookApp.PrComment("/release pause", "mona");

        var first = await _app.PostAsync("issue_comment", body, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        var afterFirst = await _app.StateAsync();
        var snapshot = await _app.SnapshotAsync();
        var requests = _app.GitHub.Requests.Count;
        var audit = (await _app.Audit.ListAsync("hello-world", null, default)).Count;
        var again = await _app.PostAsync("issue_comment", body, delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        // The pause was recorded with its delivery id in the service's state: the redelivery is a repeat, and says so.
        Assert.Contains("already acted on and answered", await _app.OutcomeOf(again));
        Assert.Equal(snapshot, await _app.SnapshotAsync());
        // It may read GitHub again (who commented, which PR), but writes nothing: no second comment or reaction.
        Assert.DoesNotContain(_app.GitHub.Requests.Skip(requests), r => r.Method != "GET");
        Assert.Equal(audit, (await _app.Audit.ListAsync("hello-world", null, default)).Count);
        Assert.Single(_app.GitHub.Comments);
        Assert.Equal(RolloutPhase.Paused, afterFirst!.Active!.Phase);
        Assert.Equal(rollout.Id, afterFirst.Active.Id);
    }

    [Fact]
    public async Task BadSignature_Is401AndChangesNothing()
    {
        const string delivery = "a1b2c3d4-0000-11e3-81ab-4c9367dc0958";
        var response = await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun(), delivery, signature: "sha256=" + new string('0', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(await _app.StateAsync());
        Assert.Empty(_app.GitHub.Requests);
    }

    [Fact]
    public async Task MalformedPayload_Is400SayingWhat()
    {
        const string delivery = "a1b2c3d4-0001-11e3-81ab-4c9367dc0958";
        var response = await _app.PostAsync("workflow_run", "{\"action\":\"completed\",\"repository\":{\"full_name\":\"Codertocat/Hello-World\"}}", delivery);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'workflow_run.id' is missing", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Ping_Is200()
    {
        var response = await _app.PostAsync("ping", GitHubWebhookApp.Fixture("ping.0.json").ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Anything added dilutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UnknownEvent_Is202Ignored()
    {
        var response = await _app.PostAsync("star", "{\"action\":\"created\"}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("unknown event", await response.Content.ReadAsStringAsync());
    }
}

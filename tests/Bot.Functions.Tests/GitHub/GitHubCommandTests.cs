using Bot.Adapters.GitHub;
using System.Net;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.GitHub;

/// <summary>PR comments in the shared <c>/release</c> grammar and check-run buttons, authorized by repository permission
/// (or <c>GitHub:CommandTeams</c>) and then by the service's deployers/approvers through the Core Authorizer.</summary>
[Collection(AzuriteFixture.Collection)]
public class GitHubCommandTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string ApproverTeam = "@Codertocat/release-approvers";
    private GitHubWebhookApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await GitHubWebhookApp.CreateAsync(azurite);
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml" }) with { Approvers = [ApproverTeam] });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<RolloutState> StartAsync()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun())).StatusCode);
        await _app.RunStepsAsync();
        var rollout = (await _app.StateAsync())!.Active!;
        Assert.Equal(RolloutPhase.WaitingApproval, rollout.Phase);
        return rollout;
    }

    private string Reply() => Assert.Single(_app.GitHub.Comments).Body;

    [Fact]
    public async Task ApproveComment_WriterOutsideApproverTeam_IsRefusedNamingApproversAndChangesNothing()
    {
        await StartAsync();
        var before = await _app.SnapshotAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release approve", "mona"));

        Assert.Equal(before, await _app.SnapshotAsync());
        Assert.Contains($"refused: mona may not approve hello-world; approvers of hello-world: {ApproverTeam}. Nothing was changed.", Reply());
        Assert.Contains(_app.GitHub.Reactions, r => r.Content == "confused");
        Assert.Single(_app.GitHub.RequestsTo("teams/get-membership-for-user-in-org"));
    }

    [Fact]
    public async Task ApproveComment_WriterInApproverTeam_Approves()
    {
        await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "hubot")] = "maintain";
        _app.GitHub.TeamMembers[("Codertocat", "release-approvers", "hubot")] = "member";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release approve hello-world", "hubot"));
        await _app.RunStepsAsync(1);

        var state = (await _app.StateAsync())!;
        var after = state.Active ?? state.LastFinished!; // one hop: approve ran the next steps itself
        Assert.Contains(after.Approvals, a => a.By.Id == "hubot");
        Assert.Contains(_app.Router.Calls, c => c.Operation == "setWeight" && c.Argument == "50");
        Assert.Contains(_app.GitHub.Reactions, r => r.Content == "+1");
    }

    [Fact]
    public async Task CheckRunApprove_ByNonApprover_IsRefused()
    {
        var rollout = await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "octocat")] = "write";
        var before = await _app.SnapshotAsync();

        var response = await _app.PostAsync("check_run", GitHubWebhookApp.CheckRunAction(rollout.Id, CheckRunRenderer.ActionId("approve", rollout), login: "octocat"));

        Assert.Contains("octocat may not approve hello-world", await _app.OutcomeOf(response));
        Assert.Equal(before, await _app.SnapshotAsync());
        var refused = Assert.Single(await _app.Audit.ListAsync("hello-world", rollout.Id, default), e => e.Action == "approve-refused");
        Assert.Equal(("octocat", "github"), (refused.By.Id, refused.By.Surface));
    }

    /// <summary>Issue 10: GitHub shows check-run buttons to anyone who can see the check run; the clicker needs the
    /// permission PR comments need (write, maintain, admin or a command team), and then the approver rules apply.</summary>
    [Fact]
    public async Task CheckRunApprove_ByApproverWithOnlyReadPermission_IsRefusedChangesNothingAndIsAudited()
    {
        var rollout = await StartAsync();
        _app.GitHub.TeamMembers[("Codertocat", "release-approvers", "codebytere")] = "member";
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "codebytere")] = "read"; // in the approver team, but only read
        var before = await _app.SnapshotAsync();

        var response = await _app.PostAsync("check_run", GitHubWebhookApp.CheckRunAction(rollout.Id, CheckRunRenderer.ActionId("approve", rollout)));

        Assert.Contains("codebytere may not run release commands on", await _app.OutcomeOf(response));
        Assert.Equal(before, await _app.SnapshotAsync());
        Assert.Empty((await _app.StateAsync())!.Active!.Approvals);
        var refused = Assert.Single(await _app.Audit.ListAsync("hello-world", rollout.Id, default), e => e.Action == "approve-refused");
        Assert.Contains("write, maintain or admin", refused.Reason);
    }

    /// <summary>Issue 10: one check run's Approve delivered twice (GitHub redelivers with a new delivery id, or a double
    /// click) approves the step it was shown for once; the second delivery must not approve the next approval step.</summary>
    [Fact]
    public async Task CheckRunApprove_SameClickDeliveredTwice_ApprovesOnlyTheStepItWasShownFor()
    {
        _app.Configs[0] = _app.Configs[0] with
        {
            Steps = [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new ApprovalStep(), new PromoteStep()],
        };
        var rollout = await StartAsync();
        _app.GitHub.TeamMembers[("Codertocat", "release-approvers", "codebytere")] = "member";
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "codebytere")] = "write";
        var click = GitHubWebhookApp.CheckRunAction(rollout.Id, CheckRunRenderer.ActionId("approve", rollout));

        await _app.PostAsync("check_run", click, delivery: Guid.NewGuid().ToString());
        await _app.RunStepsAsync();
        var afterFirst = (await _app.StateAsync())!.Active!;
        Assert.Equal((RolloutPhase.WaitingApproval, 3), (afterFirst.Phase, afterFirst.StepIndex)); // at the second approval
        var second = await _app.PostAsync("check_run", click, delivery: Guid.NewGuid().ToString());
        await _app.RunStepsAsync();

        Assert.Contains("stale approval", await _app.OutcomeOf(second));
        var after = (await _app.StateAsync())!.Active!;
        Assert.Equal((RolloutPhase.WaitingApproval, 3), (after.Phase, after.StepIndex));
        Assert.Single(after.Approvals);
    }

    [Fact]
    public async Task Comment_MisspelledVerb_RepliesWithSuggestionAndUsage()
    {
        await StartAsync();
        var before = await _app.SnapshotAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "admin";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release aprove", "mona"));

        Assert.Contains("unknown command 'aprove'; did you mean 'approve'?", Reply());
        Assert.Equal(before, await _app.SnapshotAsync());
        Assert.Contains(_app.GitHub.Reactions, r => r.Content == "confused");
    }

    [Fact]
    public async Task Comment_UnknownService_RepliesSoWithSuggestion()
    {
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "admin";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release pause helo-world", "mona"));

        Assert.Contains("unknown service 'helo-world'; did you mean 'hello-world'?", Reply());
    }

    [Fact]
    public async Task Comment_SeveralLines_EachIsACommandAndOtherTextIgnored()
    {
        await StartAsync();
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";

        _app.GitHub.TeamMembers[("Codertocat", "release-approvers", "mona")] = "member";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("Latency looks odd.\n/release status\n/releases are fun\n/RELEASE pause", "mona"));

        var reply = Reply();
        Assert.Contains("- `/release status`: hello-world", reply);
        Assert.Contains("WaitingApproval at 10%", reply);
        Assert.Contains("- `/RELEASE pause`:", reply);
        Assert.DoesNotContain("/releases", reply);
        Assert.Equal(RolloutPhase.Paused, (await _app.StateAsync())!.Active!.Phase);
    }

    [Fact]
    public async Task Comment_NoServiceNamedAndRepoHasSeveral_UsesThePullRequestsRepoConfig()
    {
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec()) with { Service = "hello-worker" });
        await StartAsync();
        const string head = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
        _app.GitHub.Pulls[(GitHubWebhookApp.Repo, 1)] = ("feature/latency", head);
        _app.GitHub.Files[(GitHubWebhookApp.Repo, head, ".releasebot.yaml")] =
            "service: hello-world\nnamespace: shop\nroute: {virtualService: hello, name: primary}\n"
            + "deployments: {canary: hello-canary, stable: hello, image: \"registry.example.com/hello:{version}\"}\n";
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";
        _app.GitHub.TeamMembers[("Codertocat", "release-approvers", "mona")] = "member";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release pause", "mona"));

        Assert.Equal(RolloutPhase.Paused, (await _app.StateAsync())!.Active!.Phase);
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task Comment_NoServiceNamedAndNoWayToTell_AsksForOne()
    {
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec()) with { Service = "hello-worker" });
        _app.GitHub.Permissions[(GitHubWebhookApp.Repo, "mona")] = "write";

        await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment("/release pause", "mona"));

        Assert.Contains("missing <service>", Reply());
        Assert.Contains("usage: /release pause <service|rollout-id>", Reply());
    }
}

using System.Net;
using Bot.Adapters.GitHub;
using Bot.Core.Config;
using Bot.Core.Protection;
using Bot.Core.Rollouts;
using Bot.Functions.GitHub;
using Bot.TestKit.Azurite;
using Bot.TestKit.GitHub;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bot.Functions.Tests.GitHub;

/// <summary>GitHub custom deployment protection rules end to end: the webhook (built from GitHub's schema and validated
/// against it), the canary it starts, the status reports and the one answer, as the GitHub double records them.</summary>
[Collection(AzuriteFixture.Collection)]
public class DeploymentProtectionTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const string Sha = "5779607b49aab1200488439f02372c57b4f75444";
    private const long RunId = 30433642;
    private static readonly RepoRef Repo = GitHubWebhookApp.Repo;
    private GitHubWebhookApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await GitHubWebhookApp.CreateAsync(azurite);
        _app.GitHub.Permissions[(Repo, "mona")] = "write";
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static ReleaseConfig Config(params StepSpec[] steps) =>
        GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.DeploymentProtectionRule, Branch = "main" }) with
        {
            Steps = steps.Length > 0 ? steps : [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new PromoteStep()],
            ChatChannel = "C0SHOP",
            Protection = new ProtectionSpec { Environments = ["production"] },
        };

    /// <summary>A job of run <see cref="RunId"/> waits at <c>production</c>, and GitHub tells the app.</summary>
    private async Task<HttpResponseMessage> RequestAsync(string? delivery = null, RepoRef? repo = null)
    {
        _app.GitHub.WaitOnProtectionRule(repo ?? Repo, RunId, "production");
        var payload = GitHubWebhookSchemas.DeploymentProtectionRuleRequested(repo ?? Repo, RunId, "production", Sha);
        Assert.Empty(GitHubWebhookSchemas.Validate("deployment-protection-rule-requested", payload));
        return await _app.PostAsync("deployment_protection_rule", payload, delivery);
    }

    private List<(RepoRef Repo, long RunId, string Environment, string? State, string Comment)> Reviews() => [.. _app.GitHub.ProtectionReviews];

    private async Task CommentAsync(string command)
    {
        var response = await _app.PostAsync("issue_comment", GitHubWebhookApp.PrComment(command, "mona", commentId: Random.Shared.NextInt64(1, long.MaxValue)));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await _app.RunStepsAsync();
    }

    [Fact]
    public async Task ProductionJob_RunsTheCanaryReportsAndIsApprovedWithLinksOncePromoted()
    {
        _app.Configs.Add(Config());

        var response = await RequestAsync();
        await _app.RunStepsAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var waiting = (await _app.StateAsync())!.Active!;
        Assert.Equal(Sha, waiting.Source.Commit);
        Assert.Equal(RolloutPhase.WaitingApproval, waiting.Phase);
        Assert.All(Reviews(), r => Assert.Null(r.State));
        Assert.Contains(Reviews(), r => r.Comment.Contains("waiting for approval (0 of 1), canary at 10%, step 2 of 4"));

        await CommentAsync("/release approve");

        Assert.Equal(RolloutPhase.Succeeded, (await _app.StateAsync())!.LastFinished!.Phase);
        var reviews = Reviews();
        var answer = reviews[^1];
        Assert.Equal(("approved", "production", RunId), (answer.State, answer.Environment, answer.RunId));
        Assert.StartsWith($"Approved: **hello-world** `5779607` ({waiting.Id}) was promoted", answer.Comment);
        Assert.Contains("[Slack](https://slack.com/app_redirect?channel=C0SHOP)", answer.Comment);
        Assert.Contains($"[Check run](https://github.com/{Repo.FullName}/runs/", answer.Comment);
        Assert.Single(reviews, r => r.State is not null);
        Assert.True(reviews.Count(r => r.State is null) >= 2, string.Join("\n---\n", reviews.Select(r => r.Comment)));
        Assert.All(_app.GitHub.RequestsTo("actions/review-custom-gates-for-run"), r => Assert.Equal(204, r.Status));
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task Rollback_RejectsTheJobWithTheReason()
    {
        _app.Configs.Add(Config());
        await RequestAsync();
        await _app.RunStepsAsync();

        await CommentAsync("/release rollback");

        var answer = Reviews()[^1];
        Assert.Equal("rejected", answer.State);
        Assert.Contains("was rolled back: ", answer.Comment);
        Assert.Contains("/release rollback on PR #1", answer.Comment);
        Assert.Single(Reviews(), r => r.State is not null);
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task Redelivery_GivesOneAnswer()
    {
        _app.Configs.Add(Config());
        var delivery = Guid.NewGuid().ToString();
        await RequestAsync(delivery);
        await _app.RunStepsAsync();

        // GitHub's redelivery repeats the delivery id; a second request for the same job comes with a new one.
        var redelivered = await RequestAsync(delivery);
        var askedAgain = await RequestAsync();
        await CommentAsync("/release approve");
        var afterAnswer = await RequestAsync();

        Assert.Contains("already known: one answer per job", await _app.OutcomeOf(redelivered));
        Assert.Contains("already known: one answer per job", await _app.OutcomeOf(askedAgain));
        Assert.Contains("already known", await _app.OutcomeOf(afterAnswer));
        Assert.Single(Reviews(), r => r.State is not null);
        Assert.Single(_app.GitHub.RequestsTo("actions/review-custom-gates-for-run"), r => r.Json?["state"] is not null);
        Assert.Equal(1, (await _app.StateAsync())!.Sequence); // one rollout, started once
    }

    [Fact]
    public async Task RepositoryNoServiceClaims_IsIgnoredWithTheReasonLoggedAndNothingSent()
    {
        _app.Configs.Add(Config());
        var other = new RepoRef("octo-org", "unclaimed");
        _app.GitHub.AddInstallation(99, other);

        var response = await RequestAsync(repo: other);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("no service claims octo-org/unclaimed", await _app.OutcomeOf(response));
        Assert.Contains(_app.Logs.Entries, e => e.Level == LogLevel.Warning
            && e.Message.Contains("ignored, nothing sent to GitHub: no service claims octo-org/unclaimed"));
        Assert.Empty(_app.GitHub.ProtectionReviews);
        // Only reads (the repository's own .releasebot.yaml, with the installation token to read it): no review, no check run.
        Assert.DoesNotContain(_app.GitHub.Requests, r => r.Method != "GET" && r.OperationId != "apps/create-installation-access-token");
        Assert.Null(await _app.StateAsync());
    }

    [Fact]
    public async Task LongRollout_AtMostTenCallsEachUnder1024Characters()
    {
        var steps = Enumerable.Range(1, 24).Select(i => (StepSpec)new SetWeightStep(i * 4)).Append(new PromoteStep()).ToArray();
        _app.Configs.Add(Config(steps));

        await RequestAsync();
        await _app.RunStepsAsync(200);

        Assert.Equal(RolloutPhase.Succeeded, (await _app.StateAsync())!.LastFinished!.Phase);
        var calls = _app.GitHub.RequestsTo("actions/review-custom-gates-for-run").ToList();
        Assert.InRange(calls.Count, 3, 10);
        Assert.All(calls, c => Assert.Equal(204, c.Status));
        Assert.All(Reviews(), r => Assert.True(r.Comment.Length < 1024, $"{r.Comment.Length} characters"));
        Assert.Equal("approved", Reviews()[^1].State);
        // The budget is spread over the plan: the last third of the steps still got a report.
        Assert.Contains(Reviews(), r => r.State is null && System.Text.RegularExpressions.Regex.Match(r.Comment, @"step (\d+) of 25") is { Success: true } m
                                        && int.Parse(m.Groups[1].Value) > 17);
        Assert.Empty(_app.GitHub.Violations);
        output.WriteLine($"25-step rollout: {calls.Count} review calls ({Reviews().Count(r => r.State is null)} reports + answer), longest comment {Reviews().Max(r => r.Comment.Length)} characters");
        foreach (var r in Reviews()) output.WriteLine($"--- {r.State ?? "report"}\n{r.Comment}");
    }

    [Fact]
    public async Task DeadlinePassed_TheDeadlineMessageRejects()
    {
        _app.Configs.Add(Config() with { Trigger = null }); // nothing starts the rollout: the job waits for one
        await RequestAsync();
        Assert.Contains("has no rollout yet", Assert.Single(Reviews()).Comment);

        _app.Time.Advance(ProtectionSpec.DefaultDeadline + TimeSpan.FromMinutes(1));
        var handler = _app.App.Services.GetRequiredService<GitHubEventHandler>();
        var payload = GitHubWebhookSchemas.DeploymentProtectionRuleRequested(Repo, RunId, "production", Sha);
        var request = (DeploymentProtectionRuleEvent)GitHubWebhookParser.Parse("deployment_protection_rule", "d-due", System.Text.Encoding.UTF8.GetBytes(payload));
        var outcome = await handler.HandleAsync(new GitHubWork(request) { GateDue = new GateDueWork("hello-world", Sha) }, default);

        Assert.True(outcome.Handled, outcome.Message);
        var answer = Reviews()[^1];
        Assert.Equal("rejected", answer.State);
        Assert.Contains("the deadline passed", answer.Comment);
    }
}

using System.Net;
using Octokit;
using GitHubClient = Bot.Adapters.GitHub.GitHubClient;
using Bot.Adapters.GitHub;
using Bot.TestKit;
using Bot.TestKit.GitHub;

namespace Bot.Adapters.Tests.GitHub;

public class GitHubClientTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "checkout-api");
    private const string Sha = "3f2c9e1b7d4a5c6e8f9a0b1c2d3e4f5a6b7c8d9e";
    private readonly FakeTimeProvider _time = new();
    private readonly GitHubTestApp _app;

    public GitHubClientTests()
    {
        _app = new GitHubTestApp(_time);
        _app.Double.AddInstallation(42, Repo);
    }

    public void Dispose() => _app.Dispose();

    private GitHubDouble Double => _app.Double;
    private GitHubClient Client => _app.Client;

    private static NewCheckRun Run(IReadOnlyList<NewCheckRunAction>? actions = null) => new("release/checkout-api", Sha)
    {
        Status = CheckStatus.InProgress, ExternalId = "checkout-api-7",
        Output = new NewCheckRunOutput("Rolling out 3f2c9e1", "| step | |\n|---|---|"), Actions = actions,
    };

    [Fact]
    public async Task CreateCheckRunAsync_AsApp_SendsRequiredHeadersAndValidBody()
    {
        var run = await Client.CreateCheckRunAsync(Repo, Run([new("Approve", "Approve the current step", "approve")]), default);

        Assert.Equal("release/checkout-api", run.Name);
        Assert.Equal("in_progress", run.Status.StringValue);
        Assert.Empty(Double.Violations);
        var sent = Assert.Single(Double.RequestsTo("checks/create"));
        Assert.Equal(201, sent.Status);
        Assert.Equal("application/vnd.github+json", Assert.Single(sent.Headers.Accept).MediaType);
        Assert.Equal("2022-11-28", Assert.Single(sent.Headers.GetValues("X-GitHub-Api-Version")));
        Assert.Equal("release-bot", Assert.Single(sent.Headers.UserAgent).Product!.Name);
        Assert.StartsWith("ghs_", sent.Headers.Authorization!.Parameter);
        Assert.Equal(Sha, (string?)sent.Json!["head_sha"]);
        Assert.Null(sent.Json!["conclusion"]); // nulls are left out, not sent as null
    }

    [Fact]
    public async Task ReviewDeploymentProtectionRuleAsync_RunWaiting_204ThenSecondAnswerIs422()
    {
        Double.WaitOnProtectionRule(Repo, 30433642, "production");

        await Client.ReviewDeploymentProtectionRuleAsync(Repo, 30433642, new("production", "canary at 10%"), default);
        await Client.ReviewDeploymentProtectionRuleAsync(Repo, 30433642, new("Production", "promoted") { State = "approved" }, default);
        var again = await Assert.ThrowsAsync<GitHubApiException>(() =>
            Client.ReviewDeploymentProtectionRuleAsync(Repo, 30433642, new("production", "promoted") { State = "approved" }, default));

        Assert.True(again.IsValidationFailed);
        Assert.Equal([204, 204, 422], Double.RequestsTo("actions/review-custom-gates-for-run").Select(r => r.Status));
        Assert.Equal("/repos/acme/checkout-api/actions/runs/30433642/deployment_protection_rule", Double.RequestsTo("actions/review-custom-gates-for-run").First().Path);
        Assert.Equal([(null, "canary at 10%"), ("approved", "promoted")], Double.ProtectionReviews.Select(r => (r.State, r.Comment)));
        Assert.Null(Double.RequestsTo("actions/review-custom-gates-for-run").First().Json!["state"]); // a report has no state
        Assert.Empty(Double.Violations);
    }

    [Fact]
    public async Task ReviewDeploymentProtectionRuleAsync_RunNotWaitingOrCommentTooLong_RefusedAndNothingRecorded()
    {
        var notWaiting = await Assert.ThrowsAsync<GitHubApiException>(() =>
            Client.ReviewDeploymentProtectionRuleAsync(Repo, 7, new("production", "promoted") { State = "approved" }, default));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notWaiting.StatusCode);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client.ReviewDeploymentProtectionRuleAsync(Repo, 7, new("production", new string('x', 1025)), default));
        Assert.Empty(Double.ProtectionReviews);
    }

    [Fact]
    public async Task GetTokenAsync_InstallationFromApi_LooksUpOnceAndCachesToken()
    {
        await Client.CreateCommitStatusAsync(Repo, Sha, new() { State = CommitState.Pending, Context = "release-bot/canary" }, default);
        await Client.CreateCommitStatusAsync(Repo, Sha, new() { State = CommitState.Success, Context = "release-bot/canary" }, default);

        Assert.Single(Double.RequestsTo("apps/get-repo-installation"));
        Assert.Single(Double.RequestsTo("apps/create-installation-access-token"));
        Assert.Equal("/app/installations/42/access_tokens", Double.RequestsTo("apps/create-installation-access-token").Single().Path);
        Assert.Empty(Double.Violations);
    }

    [Fact]
    public async Task GetTokenAsync_InstallationFromWebhook_SkipsLookup()
    {
        _app.Credentials.RememberInstallation(Repo, 42);
        await Client.CreateIssueCommentAsync(Repo, 7, "hello", default);
        Assert.Empty(Double.RequestsTo("apps/get-repo-installation"));
    }

    [Fact]
    public async Task GetTokenAsync_FiveMinutesBeforeExpiry_Renews()
    {
        await Client.CreateIssueCommentAsync(Repo, 7, "one", default);
        _time.Advance(TimeSpan.FromMinutes(54)); // token valid 60 min; 6 min left
        await Client.CreateIssueCommentAsync(Repo, 7, "two", default);
        Assert.Single(Double.RequestsTo("apps/create-installation-access-token"));

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1)); // under 5 min left
        await Client.CreateIssueCommentAsync(Repo, 7, "three", default);
        Assert.Equal(2, Double.RequestsTo("apps/create-installation-access-token").Count());
        Assert.Empty(Double.Violations);
    }

    [Fact]
    public async Task GetTokenAsync_AppNotInstalled_SaysInstallIt()
    {
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Client.CreateIssueCommentAsync(new RepoRef("acme", "other"), 1, "x", default));
        Assert.True(e.IsNotFound);
        Assert.Contains("not installed on acme/other", e.Message);
    }

    [Fact]
    public async Task CreateCheckRunAsync_PersonalToken_ForbiddenAsOnGitHub()
    {
        Double.PersonalTokens.Add("ghp_example");
        var client = new GitHubClient(_app.Connection, new PersonalTokenCredentials("ghp_example"));
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => client.CreateCheckRunAsync(Repo, Run(), default));
        Assert.Equal(HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("GitHub App", e.Message);
        Assert.False(e.IsRateLimited);
    }

    [Fact]
    public async Task CreateCheckRunAsync_FourActions_RefusedBeforeSending()
    {
        NewCheckRunAction A(string id) => new(id, "d", id);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateCheckRunAsync(Repo, Run([A("a"), A("b"), A("c"), A("d")]), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Client.CreateCheckRunAsync(Repo, Run([new("A label longer than 20", "d", "x")]), default));
        Assert.Empty(Double.RequestsTo("checks/create"));
    }

    [Fact]
    public async Task Double_BodyAgainstSchema_422WithReason()
    {
        // Bypass the client's guard: the double itself must hold GitHub's contract.
        var path = ApiUrls.CheckRuns(Repo.Owner, Repo.Name);
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => _app.Connection.SendAsync(_app.Credentials.GetTokenAsync(Repo, default).Result, HttpMethod.Post, path,
            gh => gh.Connection.Post<object>(path, new { name = "x", head_sha = Sha, status = "waiting" }, "application/vnd.github+json", "application/json", parameters: null, default), default));
        Assert.True(e.IsValidationFailed);
        Assert.Contains("status", e.Body);
        Assert.NotEmpty(Double.Violations);
    }

    [Fact]
    public async Task Double_NullValuedField_422AndAViolation()
    {
        // Octokit leaves nulls out; a body that carries one where GitHub's schema takes no null is refused.
        var path = ApiUrls.CheckRuns(Repo.Owner, Repo.Name);
        var body = $"{{\"name\":\"x\",\"head_sha\":\"{Sha}\",\"external_id\":null}}";
        var e = await Assert.ThrowsAsync<GitHubApiException>(() => _app.Connection.SendAsync(_app.Credentials.GetTokenAsync(Repo, default).Result, HttpMethod.Post, path,
            gh => gh.Connection.Post<object>(path, body, "application/vnd.github+json", "application/json", parameters: null, default), default));
        Assert.True(e.IsValidationFailed);
        Assert.Contains(Double.Violations, v => v.Contains("external_id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateDeploymentAsync_Created_SendsNoAutoMergeAndNoContexts()
    {
        var result = await Client.CreateDeploymentAsync(Repo, new NewDeployment(Sha) { Environment = "production", Description = "checkout-api 3f2c9e1" }, default);

        Assert.True(result.Created);
        var sent = Double.RequestsTo("repos/create-deployment").Single().Json!;
        Assert.False((bool)sent["auto_merge"]!);
        Assert.Empty(sent["required_contexts"]!.AsArray());
        var status = await Client.CreateDeploymentStatusAsync(Repo, result.Deployment!.Id, new(DeploymentState.InProgress) { Description = "10% canary" }, default);
        Assert.Equal("in_progress", status.State.StringValue);
        Assert.Empty(Double.Violations);
    }

    [Fact]
    public async Task CreateDeploymentAsync_202_ReturnsMergedMessage()
    {
        Double.DeploymentsAnswerMerged = 1;
        var result = await Client.CreateDeploymentAsync(Repo, new NewDeployment("topic-branch"), default);
        Assert.False(result.Created);
        Assert.Contains("Auto-merged", result.MergedMessage);
    }

    [Fact]
    public async Task GetFileAsync_AtRef_DecodesBase64AndMissingIsNull()
    {
        Double.Files[(Repo, Sha, ".releasebot.yaml")] = "service: checkout-api\nnamespace: shop\n" + new string('#', 200);
        var file = await Client.GetFileAsync(Repo, ".releasebot.yaml", Sha, default);
        Assert.StartsWith("service: checkout-api\n", file!.Text);
        Assert.Contains($"ref={Sha}", Double.RequestsTo("repos/get-content").Single().Query);
        Assert.Null(await Client.GetFileAsync(Repo, ".releasebot.yaml", "other", default));
    }

    [Fact]
    public async Task GetCollaboratorPermissionAsync_RoleAndUnknownUser()
    {
        Double.Permissions[(Repo, "mona")] = "maintain";
        Assert.Equal("maintain", (await Client.GetCollaboratorPermissionAsync(Repo, "mona", default)).RoleName);
        Assert.Equal("none", (await Client.GetCollaboratorPermissionAsync(Repo, "stranger", default)).Permission);
    }

    [Fact]
    public async Task GetTeamMembershipAsync_MemberAndNot()
    {
        Double.TeamMembers[("acme", "releasers", "mona")] = "member";
        Assert.Equal("active", (await Client.GetTeamMembershipAsync(Repo, "acme", "releasers", "mona", default))!.State.StringValue);
        Assert.Null(await Client.GetTeamMembershipAsync(Repo, "acme", "releasers", "hubot", default));
    }

    [Fact]
    public async Task GetPullRequestAsync_ReadsHead()
    {
        Double.Pulls[(Repo, 12)] = ("feature/pay", Sha);
        var pr = await Client.GetPullRequestAsync(Repo, 12, default);
        Assert.Equal(Sha, pr.Head.Sha);
        var missing = await Assert.ThrowsAsync<GitHubApiException>(() => Client.GetPullRequestAsync(Repo, 13, default));
        Assert.True(missing.IsNotFound);
    }

    [Fact]
    public async Task CreateCommentReactionAsync_Twice_SecondIs200()
    {
        await Client.CreateCommentReactionAsync(Repo, 99, "+1", default);
        await Client.CreateCommentReactionAsync(Repo, 99, "+1", default);
        Assert.Equal([201, 200], Double.RequestsTo("reactions/create-for-issue-comment").Select(r => r.Status));
        Assert.Single(Double.Reactions);
    }

    [Fact]
    public async Task SendAsync_EnterpriseServerBaseUrl_KeepsApiV3Prefix()
    {
        using var ghes = new GitHubTestApp(_time, "https://github.acme.internal/api/v3");
        ghes.Double.AddInstallation(7, Repo);
        await ghes.Client.CreateIssueCommentAsync(Repo, 3, "hi", default);
        Assert.All(ghes.Double.Requests, r => Assert.StartsWith("/api/v3/", r.Path));
        Assert.Empty(ghes.Double.Violations);
    }

    [Fact]
    public async Task SendAsync_SecondaryLimitWithRetryAfter_WaitsThenSucceeds()
    {
        _app.Credentials.RememberInstallation(Repo, 42);
        await _app.Credentials.GetTokenAsync(Repo, default);
        Double.RateLimitNext(1, secondary: true, retryAfter: TimeSpan.FromSeconds(30), status: HttpStatusCode.TooManyRequests);
        var before = _time.GetUtcNow();

        var call = Client.CreateIssueCommentAsync(Repo, 7, "after the limit", default);
        await AdvanceUntil(call, TimeSpan.FromSeconds(5));

        Assert.Equal("after the limit", (await call).Body);
        Assert.Equal([429, 201], Double.RequestsTo("issues/create-comment").Select(r => r.Status));
        Assert.True(_time.GetUtcNow() - before >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task SendAsync_RateLimitResetBeyondMaxWait_ThrowsRateLimited()
    {
        _app.Options.MaxRateLimitWait = TimeSpan.FromMinutes(5);
        _app.Credentials.RememberInstallation(Repo, 42);
        await _app.Credentials.GetTokenAsync(Repo, default);
        Double.RateLimitNext(1, secondary: false, resetIn: TimeSpan.FromMinutes(30));

        var e = await Assert.ThrowsAsync<GitHubApiException>(() => Client.CreateIssueCommentAsync(Repo, 7, "x", default));
        Assert.True(e.IsRateLimited);
        Assert.Single(Double.RequestsTo("issues/create-comment"));
    }

    [Fact]
    public async Task SendAsync_SecondaryLimitWhileWaitsSuspended_ThrowsAtOnceWithRetryAfter()
    {
        _app.Credentials.RememberInstallation(Repo, 42);
        await _app.Credentials.GetTokenAsync(Repo, default);
        Double.RateLimitNext(1, secondary: true, retryAfter: TimeSpan.FromSeconds(20));

        GitHubApiException e;
        using (Bot.Adapters.Http.RateLimitWaits.Suspend())
            e = await Assert.ThrowsAsync<GitHubApiException>(() => Client.CreateIssueCommentAsync(Repo, 7, "x", default));

        Assert.True(e.IsRateLimited);
        Assert.Equal(TimeSpan.FromSeconds(20), e.RetryAfter);
        Assert.Single(Double.RequestsTo("issues/create-comment")); // no retry, no wait: the fake clock never moved
        Assert.False(Bot.Adapters.Http.RateLimitWaits.AreSuspended);
    }

    [Fact]
    public async Task SendAsync_UserAgentWithVersionAndComment_SentAsConfigured()
    {
        using var app = new GitHubTestApp(_time, configure: o => o.UserAgent = "acme-release-bot/2.1 (+https://acme.example/bot)");
        app.Double.AddInstallation(42, Repo);

        await app.Client.CreateIssueCommentAsync(Repo, 7, "hi", default);

        Assert.All(app.Double.Requests, r => Assert.Equal("acme-release-bot/2.1 (+https://acme.example/bot)", r.Headers.UserAgent.ToString()));
        Assert.Empty(app.Double.Violations);
    }

    [Fact]
    public async Task SendAsync_PrimaryLimitOctokitRaises_WaitsForTheResetThenSucceeds()
    {
        _app.Credentials.RememberInstallation(Repo, 42);
        await _app.Credentials.GetTokenAsync(Repo, default);
        Double.RateLimitNext(1, secondary: false, resetIn: TimeSpan.FromMinutes(1));
        var before = _time.GetUtcNow();

        var call = Client.CreateIssueCommentAsync(Repo, 7, "after the reset", default);
        await AdvanceUntil(call, TimeSpan.FromSeconds(5));

        Assert.Equal("after the reset", (await call).Body);
        Assert.Equal([403, 201], Double.RequestsTo("issues/create-comment").Select(r => r.Status));
        Assert.True(_time.GetUtcNow() - before >= TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData(false, typeof(RateLimitExceededException))]
    [InlineData(true, typeof(SecondaryRateLimitExceededException))]
    public async Task SendAsync_OctokitsRateLimitExceptions_BecomeRateLimitedGitHubApiExceptions(bool secondary, Type octokitRaises)
    {
        _app.Credentials.RememberInstallation(Repo, 42);
        await _app.Credentials.GetTokenAsync(Repo, default);
        Double.RateLimitNext(1, secondary, resetIn: TimeSpan.FromMinutes(2));

        GitHubApiException e;
        using (Bot.Adapters.Http.RateLimitWaits.Suspend())
            e = await Assert.ThrowsAsync<GitHubApiException>(() => Client.CreateIssueCommentAsync(Repo, 7, "x", default));

        Assert.IsType(octokitRaises, e.InnerException);
        Assert.True(e.IsRateLimited);
        Assert.Equal((HttpStatusCode.Forbidden, "POST", "/repos/acme/checkout-api/issues/7/comments"), (e.StatusCode, e.Method, e.Path));
        Assert.Contains("rate limit", e.Body);
        // Primary: until the reset (+1 s); secondary without retry-after: the 60 s backoff.
        Assert.Equal(secondary ? TimeSpan.FromSeconds(60) : TimeSpan.FromSeconds(121), e.RetryAfter);
    }

    [Fact]
    public async Task SendAsync_CancelledWhileOnItsWay_ThrowsCancelledNotGitHubsAnswer()
    {
        // Octokit's typed calls take no CancellationToken: the caller's token must still reach the HTTP request.
        _app.Credentials.RememberInstallation(Repo, 42);
        await _app.Credentials.GetTokenAsync(Repo, default);
        using var cts = new CancellationTokenSource();
        Double.FailNext("issues/create-comment", HttpStatusCode.BadGateway, meanwhile: () => { cts.Cancel(); return Task.CompletedTask; });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.CreateIssueCommentAsync(Repo, 7, "x", cts.Token));
    }

    /// <summary>Moves the fake clock in steps until the call (waiting on a Polly delay) finishes.</summary>
    private async Task AdvanceUntil(Task call, TimeSpan step)
    {
        for (var i = 0; i < 1000 && !call.IsCompleted; i++)
        {
            await Task.Yield();
            await Task.Delay(1);
            _time.Advance(step);
        }
    }
}

using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.Azurite;
using Bot.TestKit.GitHub;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bot.Adapters.Tests.GitHub;

/// <summary>The check run and deployment a rollout shows on GitHub, against the contract double, with the ids kept in Azurite.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class GitHubNotifierTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "checkout-api");
    private const string Sha = "3f2c9e1b7d4a5c6e8f9a0b1c2d3e4f5a6b7c8d9e";
    private readonly FakeTimeProvider _time = new();
    private readonly GitHubTestApp _app;
    private readonly GitHubNotifier _notifier;
    private readonly TableGitHubOutputStore _outputs;

    public GitHubNotifierTests(AzuriteFixture azurite)
    {
        _app = new GitHubTestApp(_time);
        _app.Double.AddInstallation(42, Repo);
        _outputs = new TableGitHubOutputStore(azurite.CreateTableService(), AzuriteFixture.NewName("githubout"));
        _notifier = new GitHubNotifier(_app.Client, _outputs, new ChannelChatLink(), Microsoft.Extensions.Options.Options.Create(_app.Options),
            _time, NullLogger<GitHubNotifier>.Instance);
    }

    public void Dispose() => _app.Dispose();

    private GitHubDouble GitHub => _app.Double;

    private static RolloutState Rollout(RolloutPhase phase, int step = 0, int weight = 10) => new()
    {
        Id = "checkout-api-7",
        Service = "checkout-api",
        Version = "v1.4.2",
        Source = new VersionSource(Sha, null, Repo.FullName),
        Config = new ReleaseConfig
        {
            Service = "checkout-api",
            Namespace = "shop",
            Route = new RouteSpec { VirtualService = "checkout", RouteName = "primary", DestinationRule = "checkout" },
            Steps = [new SetWeightStep(10), new ApprovalStep(), new SetWeightStep(50), new PromoteStep()],
            ChatChannel = "C0123ABCD",
        },
        Phase = phase,
        StepIndex = step,
        CanaryWeight = weight,
        StartedBy = new Actor("octocat", "octocat", "github"),
        CreatedAt = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero),
    };

    private Task PublishAsync(RolloutPhase phase, int step = 0, int weight = 10, NoticeKind kind = NoticeKind.StepDone) =>
        _notifier.PublishAsync(new Notify(kind, $"{phase} at {weight}%", Rollout(phase, step, weight)) { RolloutId = "checkout-api-7" }, default);

    private JsonObject CheckRun => Assert.Single(GitHub.CheckRuns.Values);

    private IReadOnlyList<string> DeploymentStates => GitHub.DeploymentStatuses.Select(s => (string)s.Status["state"]!).ToList();

    private static IReadOnlyList<string?> ActionIds(JsonNode? actions) =>
        actions?.AsArray().Select(a => (string?)a!["identifier"]).ToList() ?? [];

    [Fact]
    public async Task PublishAsync_ServiceWithoutProtection_ReadsNoDeploymentGates_AServiceWithItDoes()
    {
        var gates = new CountingGateStore();
        var notifier = new GitHubNotifier(_app.Client, _outputs, new ChannelChatLink(), Microsoft.Extensions.Options.Options.Create(_app.Options),
            _time, NullLogger<GitHubNotifier>.Instance,
            new DeploymentGates(_app.Client, gates, _outputs, new ChannelChatLink(), _time, NullLogger<DeploymentGates>.Instance));
        var plain = Rollout(RolloutPhase.Progressing);

        await notifier.PublishAsync(new Notify(NoticeKind.StepDone, "setWeight 10 done", plain) { RolloutId = plain.Id }, default);
        Assert.Equal(0, gates.Reads);

        var gated = plain with { Config = plain.Config with { Protection = new ProtectionSpec { Environments = ["production"] } } };
        await notifier.PublishAsync(new Notify(NoticeKind.StepDone, "setWeight 10 done", gated) { RolloutId = gated.Id }, default);
        Assert.Equal(1, gates.Reads);
    }

    private sealed class CountingGateStore : IDeploymentGateStore
    {
        public int Reads { get; private set; }
        public Task<Bot.Core.Ports.Versioned<IReadOnlyList<Bot.Core.Protection.DeploymentGate>>?> GetAsync(string service, string sha, CancellationToken ct)
        {
            Reads++;
            return Task.FromResult<Bot.Core.Ports.Versioned<IReadOnlyList<Bot.Core.Protection.DeploymentGate>>?>(null);
        }
        public Task<string> SaveAsync(string service, string sha, IReadOnlyList<Bot.Core.Protection.DeploymentGate> gates, string? etag, CancellationToken ct) =>
            throw new InvalidOperationException("no gate is saved by a notice without gates");
    }

    [Fact]
    public async Task PublishAsync_Deployment_PayloadKeysAndCheckRunStartAsTheBotNamesThem()
    {
        await PublishAsync(RolloutPhase.Progressing, kind: NoticeKind.Started);

        // Octokit renames C# members to snake_case; dictionary keys in the payload must reach GitHub unchanged.
        var payload = Assert.Single(GitHub.RequestsTo("repos/create-deployment")).Json!["payload"]!.AsObject();
        Assert.Equal(("checkout-api-7", "checkout-api", "v1.4.2"), ((string?)payload["rolloutId"], (string?)payload["service"], (string?)payload["version"]));
        var run = Assert.Single(GitHub.RequestsTo("checks/create")).Json!;
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)run["started_at"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(GitHub.Violations);
    }

    [Fact]
    public async Task PublishAsync_Progressing_CreatesInProgressCheckRunWithoutActionsAndDeployment()
    {
        await PublishAsync(RolloutPhase.Progressing, kind: NoticeKind.Started);

        Assert.Equal(("release/checkout-api", Sha, "in_progress", "checkout-api-7"),
            ((string?)CheckRun["name"], (string?)CheckRun["head_sha"], (string?)CheckRun["status"], (string?)CheckRun["external_id"]));
        Assert.Empty(ActionIds(CheckRun["actions"]));
        Assert.Contains("https://slack.com/app_redirect?channel=C0123ABCD", (string?)CheckRun["output"]!["summary"]);
        var create = Assert.Single(GitHub.RequestsTo("repos/create-deployment")).Json!;
        Assert.Equal((false, 0, Sha, "production/checkout-api"),
            ((bool)create["auto_merge"]!, create["required_contexts"]!.AsArray().Count, (string?)create["ref"], (string?)create["environment"]));
        Assert.Equal(["in_progress"], DeploymentStates);
        Assert.Empty(GitHub.Violations);
    }

    [Fact]
    public async Task PublishAsync_ActionsOnlyWhileAHumanIsAwaited()
    {
        await PublishAsync(RolloutPhase.Progressing);
        await PublishAsync(RolloutPhase.WaitingApproval, step: 1);
        var waiting = ActionIds(CheckRun["actions"]);
        await PublishAsync(RolloutPhase.Paused, step: 1);
        var paused = ActionIds(CheckRun["actions"]);
        await PublishAsync(RolloutPhase.Progressing, step: 2, weight: 50);

        // Bound to the revision and step shown (verb/revision/step), like Slack's buttons.
        Assert.Equal(["approve/1/1", "rollback/1/1", "pause/1/1"], waiting);
        Assert.Equal(["rollback/1/1"], paused);
        // Back to running: the update sends an empty list, which removes the buttons on GitHub.
        var last = GitHub.RequestsTo("checks/update").Last().Json!;
        Assert.Empty(last["actions"]!.AsArray());
        Assert.Empty(ActionIds(CheckRun["actions"]));
        Assert.All(GitHub.RequestsTo("checks/update").Select(r => r.Json!["actions"]), a => Assert.True(a!.AsArray().Count <= 3));
        Assert.Single(GitHub.RequestsTo("checks/create"));
        Assert.Empty(GitHub.Violations);
    }

    [Theory]
    [InlineData(RolloutPhase.Succeeded, "success", "success")]
    [InlineData(RolloutPhase.RolledBack, "failure", "failure")]
    [InlineData(RolloutPhase.Failed, "failure", "failure")]
    [InlineData(RolloutPhase.Aborted, "cancelled", "inactive")]
    public async Task PublishAsync_End_CompletesCheckRunAndSetsDeploymentStatus(RolloutPhase end, string conclusion, string deploymentState)
    {
        await PublishAsync(RolloutPhase.WaitingApproval, step: 1);
        _time.Advance(TimeSpan.FromMinutes(7));

        await PublishAsync(end, step: 3, weight: end == RolloutPhase.Succeeded ? 100 : 0);

        Assert.Equal(("completed", conclusion), ((string?)CheckRun["status"], (string?)CheckRun["conclusion"]));
        var update = GitHub.RequestsTo("checks/update").Last().Json!;
        Assert.Equal(_time.GetUtcNow(), DateTimeOffset.Parse((string)update["completed_at"]!));
        Assert.Null(update["status"]);
        Assert.Empty(update["actions"]!.AsArray());
        Assert.Equal(["in_progress", deploymentState], DeploymentStates);
        Assert.Empty(GitHub.Violations);
    }

    [Fact]
    public async Task PublishAsync_SameDeploymentStateTwice_SendsOneStatus()
    {
        await PublishAsync(RolloutPhase.Progressing);
        await PublishAsync(RolloutPhase.WaitingApproval, step: 1);
        await PublishAsync(RolloutPhase.Progressing, step: 2, weight: 50);

        Assert.Equal(["in_progress"], DeploymentStates);
        Assert.Single(GitHub.Deployments);
    }

    [Fact]
    public async Task PublishAsync_Deployment202_IsRetriedOnTheNextNotice()
    {
        GitHub.DeploymentsAnswerMerged = 1;

        await PublishAsync(RolloutPhase.Progressing);
        Assert.Empty(GitHub.Deployments);
        Assert.Empty(DeploymentStates);
        Assert.Null((await _outputs.GetAsync("checkout-api-7", default))!.DeploymentId);

        await PublishAsync(RolloutPhase.WaitingApproval, step: 1);

        var deployment = Assert.Single(GitHub.Deployments);
        Assert.Equal(2, GitHub.RequestsTo("repos/create-deployment").Count());
        Assert.Equal(["in_progress"], DeploymentStates);
        Assert.Equal(deployment.Key, (await _outputs.GetAsync("checkout-api-7", default))!.DeploymentId);
        Assert.Empty(GitHub.Violations);
    }

    [Fact]
    public async Task PublishAsync_FinishedBeforeAnyDeployment_CreatesNone()
    {
        GitHub.DeploymentsAnswerMerged = 1;
        await PublishAsync(RolloutPhase.Progressing);

        await PublishAsync(RolloutPhase.Aborted, step: 1, weight: 0);

        Assert.Empty(GitHub.Deployments);
        Assert.Equal("cancelled", (string?)CheckRun["conclusion"]);
    }

    [Fact]
    public async Task PublishAsync_NoRepositoryOrCommit_DoesNothing()
    {
        var noRepo = Rollout(RolloutPhase.Progressing) with { Source = new VersionSource(Sha) };
        var noCommit = Rollout(RolloutPhase.Progressing) with { Source = new VersionSource(null, null, Repo.FullName) };

        await _notifier.PublishAsync(new Notify(NoticeKind.Started, "x", noRepo) { RolloutId = noRepo.Id }, default);
        await _notifier.PublishAsync(new Notify(NoticeKind.Started, "x", noCommit) { RolloutId = noCommit.Id }, default);

        Assert.Empty(GitHub.Requests);
    }
}

using System.Net;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.GitHub;

/// <summary><c>.releasebot.yaml</c> read at the commit through the contents API (the GitHub double), parsed by the engine's parser.</summary>
[Collection(AzuriteFixture.Collection)]
public class GitHubRepoConfigTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Sha = "5779607b49aab1200488439f02372c57b4f75444";
    private GitHubWebhookApp _app = null!;

    private const string RepoConfig = """
        service: hello-world
        namespace: shop
        route: {virtualService: hello, name: primary}
        steps:
          - setWeight: 20
          - approval: {}
          - promote: {}
        trigger:
          kind: workflow_run
          workflow: syntax.yml
          versionTemplate: "main-{sha7}"
        deployments: {canary: hello-canary, stable: hello, image: "registry.example.com/hello:{version}"}
        """;

    public async Task InitializeAsync() => _app = await GitHubWebhookApp.CreateAsync(azurite);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void CommitFile(string text) => _app.GitHub.Files[(GitHubWebhookApp.Repo, Sha, ".releasebot.yaml")] = text;

    [Fact]
    public async Task WorkflowRun_RepoConfigAtCommit_StartsRolloutFromIt()
    {
        CommitFile(RepoConfig);

        var response = await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun());
        await _app.RunStepsAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rollout = (await _app.StateAsync())!.Active!;
        Assert.Equal("main-5779607", rollout.Version);
        Assert.Equal(20, rollout.CanaryWeight);
        Assert.Equal(RolloutPhase.WaitingApproval, rollout.Phase);
        Assert.Contains(_app.GitHub.Requests, r => r.Path.Contains("/contents/.releasebot.yaml") && (r.Query ?? "").Contains($"ref={Sha}"));
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task WorkflowRun_RepoConfigWinsOverCentral()
    {
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml" }));
        CommitFile(RepoConfig);

        await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun());
        await _app.RunStepsAsync();

        Assert.Equal(20, (await _app.StateAsync())!.Active!.CanaryWeight);
    }

    [Fact]
    public async Task WorkflowRun_NoFileAtCommit_FallsBackToCentralConfig()
    {
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Workflow = "syntax.yml" }));

        await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun());
        await _app.RunStepsAsync();

        var rollout = (await _app.StateAsync())!.Active!;
        Assert.Equal(Sha, rollout.Version);
        Assert.Equal(10, rollout.CanaryWeight);
    }

    [Fact]
    public async Task WorkflowRun_BrokenRepoConfig_FailsCheckRunWithFileLineAndStartsNothing()
    {
        CommitFile(RepoConfig.Replace("kind: workflow_run", "kind: workflow-run").Replace("setWeight: 20", "setWeight: 120"));

        var response = await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(await _app.StateAsync());
        var run = Assert.Single(_app.GitHub.CheckRuns.Values);
        Assert.Equal("release/hello-world", (string?)run["name"]);
        Assert.Equal(Sha, (string?)run["head_sha"]);
        Assert.Equal(("completed", "failure"), ((string?)run["status"], (string?)run["conclusion"]));
        Assert.Equal(".releasebot.yaml is invalid (2 errors)", (string?)run["output"]!["title"]);
        var summary = (string)run["output"]!["summary"]!;
        Assert.Contains(".releasebot.yaml:5: steps[0].setWeight: 120 is out of range 0-100", summary);
        Assert.Contains(".releasebot.yaml:9: trigger.kind: 'workflow-run' is not one of push, workflow_run, deployment_protection_rule; did you mean 'workflow_run'?", summary);
        Assert.Empty(_app.GitHub.Deployments);
        Assert.Empty(_app.GitHub.Violations);
    }

    [Fact]
    public async Task WorkflowRun_RepoConfigNamingAnotherRepositorysService_FailsCheckAndStartsNothing()
    {
        _app.Configs.Add(GitHubWebhookApp.Config(new TriggerSpec { Kind = TriggerKind.Push }) with { GitHubRepo = "acme/hello-world-prod", Source = "central/hello-world.yaml" });
        CommitFile(RepoConfig);

        await _app.PostAsync("workflow_run", GitHubWebhookApp.SuccessfulRun());

        Assert.Null(await _app.StateAsync());
        var run = Assert.Single(_app.GitHub.CheckRuns.Values);
        Assert.Equal("failure", (string?)run["conclusion"]);
        Assert.Contains(".releasebot.yaml:1: service: 'hello-world' belongs to acme/hello-world-prod (central/hello-world.yaml)", (string?)run["output"]!["summary"]);
    }
}

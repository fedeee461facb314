using Bot.Adapters.Config;
using Bot.Core.Config;

namespace Bot.Adapters.Tests.GitHub;

/// <summary>The <c>trigger</c> section of the release config, through the engine's parser with its registered sections.</summary>
public class TriggerSectionTests
{
    private const string Head = """
        service: hello-world
        namespace: shop
        route: {virtualService: hello, name: primary}

        """;

    private const string Deployments = "\ndeployments: {canary: hello-canary, stable: hello, image: \"registry.example.com/hello:{version}\"}\n";

    private static ConfigParseResult Parse(string trigger) => ReleaseConfigParser.Parse(Head + trigger + Deployments, ".releasebot.yaml");

    private static ConfigError Single(string trigger)
    {
        var result = Parse(trigger);
        Assert.Null(result.Config);
        return Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_WorkflowRunTrigger_FillsTriggerSpec()
    {
        var result = Parse("""
            trigger:
              kind: workflow_run
              branch: release/2.x
              workflow: .github/workflows/build.yml
              versionTemplate: "{branch}-{sha7}"
            """);

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(new TriggerSpec { Kind = TriggerKind.WorkflowRun, Branch = "release/2.x", Workflow = ".github/workflows/build.yml", VersionTemplate = "{branch}-{sha7}" },
            result.Config!.Trigger);
    }

    [Fact]
    public void Parse_PushTriggerWithDefaults_BranchMainAndFullSha()
    {
        var result = Parse("trigger: {kind: push}\n");

        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(new TriggerSpec { Kind = TriggerKind.Push, Branch = "main" }, result.Config!.Trigger);
    }

    [Fact]
    public void Parse_NoTriggerSection_LeavesTriggerNull() => Assert.Null(ReleaseConfigParser.Parse(Head + Deployments, ".releasebot.yaml").Config!.Trigger);

    [Fact]
    public void Parse_MisspelledKind_NamesLineAndSuggests()
    {
        var error = Single("trigger:\n  kind: workflow-run\n  workflow: build.yml\n");

        Assert.Equal(".releasebot.yaml:5: trigger.kind: 'workflow-run' is not one of push, workflow_run, deployment_protection_rule; did you mean 'workflow_run'? use push, workflow_run or deployment_protection_rule", error.ToString());
    }

    [Fact]
    public void Parse_UnknownKey_SuggestsClosest()
    {
        var error = Single("trigger:\n  kind: push\n  brnach: main\n");

        Assert.Equal((6, "trigger.brnach", "unknown key"), (error.Line, error.Path, error.Message));
        Assert.Equal("did you mean 'branch'?", error.Fix);
    }

    [Fact]
    public void Parse_WorkflowRunWithoutWorkflow_IsRequired()
    {
        var error = Single("trigger:\n  kind: workflow_run\n");

        Assert.Equal(("trigger.workflow", "is required for kind: workflow_run"), (error.Path, error.Message));
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Parse_WorkflowOnPushTrigger_IsRefused()
    {
        var error = Single("trigger:\n  kind: push\n  workflow: build.yml\n");

        Assert.Equal((6, "trigger.workflow", "is only used with kind: workflow_run"), (error.Line, error.Path, error.Message));
    }

    [Fact]
    public void Parse_MissingKind_IsRequired() =>
        Assert.Equal(("trigger.kind", "is required"), (Single("trigger: {branch: main}\n").Path, Single("trigger: {branch: main}\n").Message));

    [Theory]
    [InlineData("\"{sah7}\"", "unknown placeholder '{sah7}'", "did you mean '{sha7}'? use {sha}, {sha7}, {branch} or {run}")]
    [InlineData("v1 {sha}", "'v1 {sha}' has spaces, which a version or image tag cannot", "remove the spaces, e.g. main-{sha7}")]
    [InlineData("latest", "'latest' has no placeholder, so every commit would get the same version", "include {sha}, {sha7} or {run}")]
    public void Parse_BadVersionTemplate_SaysWhatAndHow(string template, string message, string fix)
    {
        var error = Single($"trigger:\n  kind: push\n  versionTemplate: {template}\n");

        Assert.Equal((6, "trigger.versionTemplate", message, fix), (error.Line, error.Path, error.Message, error.Fix));
    }

    [Theory]
    [InlineData("refs/heads/main", "'refs/heads/main' is a ref, not a branch name")]
    [InlineData("feature..x", "'feature..x' is not a valid branch name")]
    public void Parse_BadBranch_IsAnError(string branch, string message)
    {
        var error = Single($"trigger:\n  kind: push\n  branch: {branch}\n");

        Assert.Equal(("trigger.branch", message), (error.Path, error.Message));
    }

    [Fact]
    public void Parse_TopLevelTypo_SuggestsTrigger()
    {
        var error = Single("triger: {kind: push}\n");

        Assert.Equal(("triger", "did you mean 'trigger'?"), (error.Path, error.Fix));
    }
}

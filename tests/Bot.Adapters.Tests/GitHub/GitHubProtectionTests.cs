using System.Text;
using Bot.Adapters.Config;
using Bot.Adapters.GitHub;
using Bot.Core.Config;
using Bot.TestKit.GitHub;

namespace Bot.Adapters.Tests.GitHub;

/// <summary><c>github.protection</c> in the release config, and the <c>deployment_protection_rule</c> webhook it answers.</summary>
public class GitHubProtectionTests
{
    private const string Head = """
        service: checkout
        namespace: shop
        route: {virtualService: checkout, name: primary}
        deployments: {canary: checkout-canary, stable: checkout, image: "registry.example.com/checkout:{version}"}
        steps:
          - setWeight: 10
          - approval: {}
          - setWeight: 50
          - promote: {}

        """;

    private static ConfigParseResult Parse(string tail) => ReleaseConfigParser.Parse(Head + tail, "checkout.yaml");

    private static string Errors(ConfigParseResult r) => string.Join("\n", r.Errors);

    [Fact]
    public void Parse_Protection_DefaultsToApproveOnPromoteWithin24Hours()
    {
        var result = Parse("github:\n  repo: acme/checkout\n  protection:\n    environments: [production, Staging]\n");

        Assert.True(result.Ok, Errors(result));
        var p = result.Config!.Protection!;
        Assert.Equal(["production", "Staging"], p.Environments);
        Assert.Null(p.ApproveAfterStep);
        Assert.Equal(TimeSpan.FromHours(24), p.Deadline);
        Assert.True(p.Covers("staging"));
        Assert.False(p.Covers("qa"));
        Assert.Equal("acme/checkout", result.Config.GitHubRepo);
    }

    [Theory]
    [InlineData("3", 2)]
    [InlineData("setWeight 50", 2)]
    [InlineData("promote", null)]
    public void Parse_ApproveAfter_NamesAStepByNumberOrAsChatShowsIt(string approveAfter, int? index)
    {
        var result = Parse($"github:\n  protection:\n    environments: production\n    approveAfter: {approveAfter}\n    deadline: 7d\n");

        Assert.True(result.Ok, Errors(result));
        Assert.Equal(index, result.Config!.Protection!.ApproveAfterStep);
        Assert.Equal(TimeSpan.FromDays(7), result.Config.Protection.Deadline);
    }

    [Fact]
    public void Parse_BadProtection_NamesFileLineFieldAndFix()
    {
        var result = Parse("github:\n  protection:\n    environments: []\n    approveAfter: setWeight 20\n    deadline: 31d\n    envs: x\n");

        Assert.Null(result.Config);
        var errors = result.Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Equal("checkout.yaml:12: github.protection.environments: is empty; list the environments whose rule the bot answers, e.g. environments: [production]", errors[0]);
        Assert.Equal("checkout.yaml:14: github.protection.deadline: 31d is longer than 29d: GitHub fails a job that waits more than 30 days; use at most 29d, e.g. deadline: 7d", errors[1]);
        Assert.StartsWith("checkout.yaml:15: github.protection.envs: unknown key; ", errors[2]);
    }

    [Fact]
    public void Parse_ApproveAfterAStepNotInThePlan_IsAnError()
    {
        var result = Parse("github:\n  protection:\n    environments: [production]\n    approveAfter: 7\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("checkout.yaml:13: github.protection.approveAfter: step 7 is not in the plan (4 steps); use promote or a step number 1-4 (1: setWeight 10, 2: approval (1), 3: setWeight 50, 4: promote)", error.ToString());
    }

    [Fact]
    public void Parse_ProtectionTriggerWithoutProtection_IsAnError()
    {
        var result = Parse("trigger: {kind: deployment_protection_rule}\n");

        var error = Assert.Single(result.Errors);
        Assert.Contains("trigger.kind: deployment_protection_rule needs github.protection", error.ToString());
        Assert.True(Parse("trigger: {kind: deployment_protection_rule, branch: main}\ngithub: {protection: {environments: [production]}}\n").Ok);
    }

    [Fact]
    public void ParseWebhook_ProtectionRuleBuiltFromTheSchema_CarriesRunEnvironmentAndCommit()
    {
        var repo = new RepoRef("acme", "checkout");
        var payload = GitHubWebhookSchemas.DeploymentProtectionRuleRequested(repo, 30433642, "production", "5779607b49aab1200488439f02372c57b4f75444");
        Assert.Empty(GitHubWebhookSchemas.Validate("deployment-protection-rule-requested", payload));

        var e = Assert.IsType<DeploymentProtectionRuleEvent>(GitHubWebhookParser.Parse("deployment_protection_rule", "d-1", Encoding.UTF8.GetBytes(payload)));

        Assert.Equal(repo, e.Repository);
        Assert.Equal("requested", e.Action);
        Assert.Equal("production", e.Environment);
        Assert.Equal(30433642, e.RunId);
        Assert.Equal("5779607b49aab1200488439f02372c57b4f75444", e.Sha);
        Assert.Equal("refs/heads/main", e.Ref);
        Assert.Equal("push", e.Trigger);
        Assert.Equal(99, e.InstallationId);
    }

    [Fact]
    public void ParseWebhook_CallbackUrlWithoutARun_Is400Material()
    {
        var payload = GitHubWebhookSchemas.DeploymentProtectionRuleRequested(new RepoRef("acme", "checkout"), 1, "production", "5779607b49aab1200488439f02372c57b4f75444")
            .Replace("/actions/runs/1/deployment_protection_rule", "/deployments/1");
        Assert.Empty(GitHubWebhookSchemas.Validate("deployment-protection-rule-requested", payload));

        var error = Assert.Throws<WebhookPayloadException>(() => GitHubWebhookParser.Parse("deployment_protection_rule", "d-1", Encoding.UTF8.GetBytes(payload)));
        Assert.Contains("'deployment_callback_url'", error.Message);
    }

    [Fact]
    public void WebhookSchema_RejectsAPayloadThatIsNotGitHubs()
    {
        Assert.NotEmpty(GitHubWebhookSchemas.Validate("deployment-protection-rule-requested", """{"action":"created","environment":7}"""));
    }
}

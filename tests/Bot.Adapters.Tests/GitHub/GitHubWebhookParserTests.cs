using System.Text;
using Bot.Adapters.GitHub;
using Bot.TestKit;

namespace Bot.Adapters.Tests.GitHub;

public class GitHubWebhookParserTests
{
    public static TheoryData<string> Fixtures()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.Fixture("github", "webhooks"), "*.json").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    /// <summary>The event name is the file name up to the first dot (<c>event[.action].index</c>).</summary>
    private static GitHubWebhookEvent ParseFixture(string file) =>
        GitHubWebhookParser.Parse(file.Split('.')[0], "delivery-1", File.ReadAllBytes(RepoPaths.Fixture("github", "webhooks", file)));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Parse_EveryGitHubExample_IsTypedOrIgnoredOnPurpose(string file)
    {
        var e = ParseFixture(file);
        var name = file.Split('.')[0];
        Assert.Equal(name, e.Event);
        if (GitHubWebhookParser.Handled.Contains(name)) Assert.IsNotType<IgnoredEvent>(e);
        else
        {
            Assert.Contains(name, GitHubWebhookParser.IgnoredOnPurpose);
            Assert.DoesNotContain("unknown", Assert.IsType<IgnoredEvent>(e).Reason);
        }
    }

    [Fact]
    public void Fixtures_CoverEveryHandledEvent()
    {
        var names = Directory.GetFiles(RepoPaths.Fixture("github", "webhooks"), "*.json").Select(Path.GetFileName).ToList();
        // GitHub publishes no example of deployment_protection_rule: its tests build payloads from the schema (GitHubProtectionTests).
        Assert.All(GitHubWebhookParser.Handled.Except(["deployment_protection_rule"]), h => Assert.Contains(names, n => n!.StartsWith(h + ".", StringComparison.Ordinal)));
    }

    [Fact]
    public void Parse_CheckRunRequestedAction_ReadsIdentifierSenderAndInstallation()
    {
        var e = Assert.IsType<CheckRunEvent>(ParseFixture("check_run.requested_action.6.json"));
        Assert.Equal("requested_action", e.Action);
        Assert.Equal("lgtm|26764", e.Identifier);
        Assert.Equal("codebytere", e.Sender.Login);
        Assert.Equal(690857, e.InstallationId);
        Assert.Equal(new RepoRef("electron", "electron"), e.Repository);
        Assert.Equal("5bd5f196a46b8222fb7484f05faba41a73cf34bd", e.HeadSha);
    }

    [Fact]
    public void Parse_IssueComment_OnAnIssue_IsNotAPullRequest()
    {
        var e = Assert.IsType<IssueCommentEvent>(ParseFixture("issue_comment.created.0.json"));
        Assert.False(e.IsPullRequest);
        Assert.Equal("Codertocat", e.Commenter.Login);
        Assert.Equal(492700400, e.CommentId);
    }

    [Fact]
    public void Parse_WorkflowRun_ReadsHeadShaAndWorkflow()
    {
        var e = Assert.IsType<WorkflowRunEvent>(ParseFixture("workflow_run.completed.0.json"));
        Assert.Equal("5779607b49aab1200488439f02372c57b4f75444", e.HeadSha);
        Assert.Equal(".github/workflows/syntax.yml", e.WorkflowPath);
        Assert.Equal("main", e.HeadBranch);
    }

    [Fact]
    public void Parse_PushOfTag_HasNoBranch()
    {
        var e = Assert.IsType<PushEvent>(ParseFixture("push.0.json"));
        Assert.Null(e.Branch);
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", e.After);
    }

    [Fact]
    public void Parse_Ping_ReadsZen() => Assert.Equal("Anything added dilutes everything else.", Assert.IsType<PingEvent>(ParseFixture("ping.0.json")).Zen);

    [Fact]
    public void Parse_UnknownEvent_IsIgnoredAsUnknown() =>
        Assert.Contains("unknown event 'star'", Assert.IsType<IgnoredEvent>(GitHubWebhookParser.Parse("star", "d", "{}"u8)).Reason);

    [Theory]
    [InlineData("push", "not json", "not valid JSON")]
    [InlineData("push", "[1,2]", "must be a JSON object")]
    [InlineData("push", "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}", "'repository.full_name' is missing")]
    [InlineData("push", "{\"ref\":5,\"after\":\"abc\",\"repository\":{\"full_name\":\"o/r\"}}", "'ref' is missing or not a string")]
    [InlineData("issue_comment", "{\"repository\":{\"full_name\":\"o/r\"},\"issue\":{\"number\":1},\"comment\":{\"id\":2,\"user\":{\"login\":\"a\"}}}", "'comment.user.id' is missing or not an integer")]
    [InlineData("check_run", "{\"action\":\"requested_action\",\"repository\":{\"full_name\":\"o/r\"},\"check_run\":{\"id\":1,\"name\":\"n\",\"head_sha\":\"s\"},\"sender\":{\"login\":\"a\",\"id\":1}}", "'requested_action.identifier'")]
    [InlineData("workflow_run", "{\"repository\":{\"full_name\":\"noslash\"}}", "not owner/name")]
    public void Parse_Malformed_SaysWhatIsWrong(string eventName, string body, string expected)
    {
        var e = Assert.Throws<WebhookPayloadException>(() => GitHubWebhookParser.Parse(eventName, "d", Encoding.UTF8.GetBytes(body)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Parse_MissingDeliveryHeader_SaysSo() =>
        Assert.Contains("X-GitHub-Delivery", Assert.Throws<WebhookPayloadException>(() => GitHubWebhookParser.Parse("push", "", "{}"u8)).Message);
}

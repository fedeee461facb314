using Bot.Adapters.GitHub;
using Bot.Core.Rollouts;
using Bot.TestKit;
using Bot.TestKit.GitHub;

namespace Bot.Adapters.Tests.GitHub;

public class GitHubTeamMembershipResolverTests : IDisposable
{
    private static readonly RepoRef Repo = new("acme", "checkout-api");
    private readonly FakeTimeProvider _time = new();
    private readonly GitHubTestApp _app;
    private readonly GitHubTeamMembershipCache _cache;
    private readonly GitHubTeamMembershipResolver _resolver;

    public GitHubTeamMembershipResolverTests()
    {
        _app = new GitHubTestApp(_time);
        _app.Double.AddInstallation(42, Repo);
        _cache = new GitHubTeamMembershipCache(_time);
        _resolver = new GitHubTeamMembershipResolver(_app.Client, Repo, _cache);
    }

    public void Dispose() => _app.Dispose();

    private static Actor GitHubUser(string login) => new(login, login, "github");

    private int MembershipRequests => _app.Double.RequestsTo("teams/get-membership-for-user-in-org").Count();

    [Fact]
    public async Task IsMemberAsync_ActiveMember_IsMemberAndAsksTheTeamsApi()
    {
        _app.Double.TeamMembers[("acme", "sre", "mona")] = "member";

        Assert.True(await _resolver.IsMemberAsync("@acme/sre", GitHubUser("mona"), default));
        Assert.False(await _resolver.IsMemberAsync("@acme/sre", GitHubUser("octocat"), default));
        Assert.Equal(2, MembershipRequests);
        Assert.Empty(_app.Double.Violations);
    }

    [Fact]
    public async Task IsMemberAsync_SecondAskWithinTtl_IsCachedThenAskedAgainAfter()
    {
        _app.Double.TeamMembers[("acme", "sre", "mona")] = "member";
        Assert.True(await _resolver.IsMemberAsync("@acme/sre", GitHubUser("mona"), default));
        _app.Double.TeamMembers.Clear();

        Assert.True(await _resolver.IsMemberAsync("@ACME/sre", GitHubUser("Mona"), default));
        Assert.Equal(1, MembershipRequests);

        _time.Advance(_cache.Ttl + TimeSpan.FromSeconds(1));
        Assert.False(await _resolver.IsMemberAsync("@acme/sre", GitHubUser("mona"), default));
        Assert.Equal(2, MembershipRequests);
    }

    [Theory]
    [InlineData("@sre", "github")]        // a Slack user group handle, not a GitHub team
    [InlineData("@acme/sre", "slack")]    // a Slack user is not a GitHub login
    [InlineData("@acme/", "github")]
    public async Task IsMemberAsync_NotAGitHubTeamOrActor_IsFalseWithoutAsking(string group, string surface)
    {
        _app.Double.TeamMembers[("acme", "sre", "mona")] = "member";

        Assert.False(await _resolver.IsMemberAsync(group, new Actor("mona", "mona", surface), default));
        Assert.Equal(0, MembershipRequests);
    }
}

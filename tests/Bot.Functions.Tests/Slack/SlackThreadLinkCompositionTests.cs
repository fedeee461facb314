using Bot.Adapters.GitHub;
using Bot.Adapters.Slack;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.DependencyInjection;

namespace Bot.Functions.Tests.Slack;

/// <summary>With Slack on, what GitHub shows (check-run summaries, deployment-protection answers) links the rollout's Slack
/// thread, whatever order the app registers Slack and GitHub in.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class SlackThreadLinkCompositionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task SlackConfigured_GitHubLinksTheThread()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root);

        Assert.IsType<SlackThreadChatLink>(app.Services.GetRequiredService<IRolloutChatLink>());
    }
}

using Bot.Adapters.GitHub;
using Bot.Adapters.Slack;
using Bot.Functions.GitHub;
using Bot.Functions.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.Hosting;

/// <summary>An answer budget the sender would not wait for is refused at start-up, naming the setting; the defaults leave
/// room under Slack's 3 s and GitHub's 10 s.</summary>
public sealed class AnswerBudgetOptionsTests
{
    [Fact]
    public void Defaults_LeaveRoomUnderTheSendersTimeouts()
    {
        Assert.Equal(TimeSpan.FromSeconds(1.5), new SlackOptions().AnswerBudget);
        Assert.Equal(TimeSpan.FromSeconds(3), new GitHubOptions().AnswerBudget);
    }

    [Fact]
    public void SlackBudgetOfThreeSeconds_IsRefusedNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = "xoxb-1", ["Slack:SigningSecret"] = "s", ["Slack:AnswerBudget"] = "00:00:03",
        }).Build());
        services.AddSlack();

        var e = Assert.Throws<OptionsValidationException>(() => { _ = services.BuildServiceProvider().GetRequiredService<IOptions<SlackOptions>>().Value; });
        Assert.Contains("AnswerBudget", e.Message);
    }

    [Fact]
    public void GitHubBudgetOfTenSeconds_IsRefusedNamingTheSetting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Token"] = "ghp_x", ["GitHub:WebhookSecret"] = "s", ["GitHub:AnswerBudget"] = "00:00:10",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGitHub(configuration);

        var e = Assert.Throws<OptionsValidationException>(() => { _ = services.BuildServiceProvider().GetRequiredService<IOptions<GitHubOptions>>().Value; });
        Assert.Contains("AnswerBudget", e.Message);
    }
}

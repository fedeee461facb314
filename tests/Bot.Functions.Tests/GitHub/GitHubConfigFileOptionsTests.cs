using Bot.Adapters.GitHub;
using Bot.Functions.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.GitHub;

/// <summary><c>GitHub:ConfigFile</c> goes into the contents URL as it is: a path the URL would read differently (a query, a
/// fragment, an escape) or that leaves the repository root is refused at start-up, naming the setting.</summary>
public sealed class GitHubConfigFileOptionsTests
{
    [Theory]
    [InlineData(".releasebot.yaml")]
    [InlineData("deploy/releasebot.yaml")]
    [InlineData("deploy/release bot.yaml")]
    public void RepoRelativePath_IsAccepted(string path) => Assert.Equal(path, Options(path).Value.ConfigFile);

    [Theory]
    [InlineData("deploy/release#1.yaml")]
    [InlineData("releasebot.yaml?ref=main")]
    [InlineData("deploy%2Freleasebot.yaml")]
    [InlineData("deploy\\releasebot.yaml")]
    [InlineData("../other/releasebot.yaml")]
    [InlineData("/releasebot.yaml")]
    [InlineData("deploy//releasebot.yaml")]
    [InlineData(" ")]
    public void PathTheUrlWouldReadDifferently_IsRefusedNamingTheSetting(string path)
    {
        var e = Assert.Throws<OptionsValidationException>(() => Options(path).Value);
        Assert.Contains("GitHub:ConfigFile must be a path relative to the repository root", e.Message);
    }

    private static IOptions<GitHubOptions> Options(string configFile)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Token"] = "ghp_x", ["GitHub:WebhookSecret"] = "s", ["GitHub:ConfigFile"] = configFile,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddGitHub(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<GitHubOptions>>();
    }
}

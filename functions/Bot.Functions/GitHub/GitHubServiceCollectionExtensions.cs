using Bot.Adapters.Slack;
using Bot.Adapters.GitHub;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Notifications;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary><see cref="AddGitHub(IServiceCollection, IConfiguration)"/> for <c>Program.cs</c>.</summary>
    public static IHostApplicationBuilder AddGitHub(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGitHub(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// GitHub options (section <c>GitHub</c>), the client (Octokit over the named HttpClient <c>GitHub</c>) with app or personal-token credentials, the webhook's
    /// durable work queue (<see cref="WorkQueue{TWork}"/> of <see cref="GitHubWork"/> on the queue of the <c>GitHubWork</c> function in functions.metadata, needs an
    /// <c>IQueueService</c>), and the <see cref="GitHubEventHandler"/> that does its work, the deployment gates (custom
    /// deployment protection rules; table <c>deploymentgates</c> with storage), and the <see cref="GitHubNotifier"/> (the <c>github</c> target of the notifications outbox). Without an app or token,
    /// nothing but the options is registered. With a token only, start-up warns that check runs need an app.
    /// </summary>
    public static IServiceCollection AddGitHub(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GitHubOptions>().Bind(configuration.GetSection(GitHubOptions.Section)).ValidateDataAnnotations()
            .Validate(o => Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out _), "GitHub:BaseUrl must be an absolute URL, e.g. https://api.github.com/ or https://HOST/api/v3/")
            .Validate(o => GitHubOptions.IsRepoPath(o.ConfigFile),
                "GitHub:ConfigFile must be a path relative to the repository root, of /-separated names without #, ?, %, \\ or .. (e.g. .releasebot.yaml or deploy/releasebot.yaml)")
            .ValidateOnStart();
        var options = configuration.GetSection(GitHubOptions.Section).Get<GitHubOptions>() ?? new GitHubOptions();
        services.TryAddSingleton(TimeProvider.System);
        // Table-backed when storage is registered, so ids survive restarts and scale-out.
        services.TryAddSingleton<IGitHubOutputStore>(sp => sp.GetService<Bot.Adapters.Storage.ITableService>() is { } tables
            ? new TableGitHubOutputStore(tables) : new InMemoryGitHubOutputStore());
        // The live Slack message's thread when Slack is configured (whichever is registered first), else the channel.
        services.TryAddSingleton<IRolloutChatLink>(sp => (IRolloutChatLink?)sp.GetService<SlackThreadChatLink>() ?? new ChannelChatLink());
        services.TryAddSingleton<IDeploymentGateStore>(sp => sp.GetService<Bot.Adapters.Storage.ITableService>() is { } tables
            ? new TableDeploymentGateStore(tables) : new InMemoryDeploymentGateStore());
        // Octokit sends through this named client's handler (timeouts, test doubles); its clients are built at the first
        // call, never on the acknowledgement path.
        services.AddHttpClient(GitHubConnection.HttpClientName);
        services.TryAddSingleton<GitHubConnection>();
        services.AddSingleton<IGitHubCredentials>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<GitHubOptions>>().Value;
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("GitHub");
            if (o.HasApp)
            {
                var pem = o.PrivateKey ?? File.ReadAllText(o.PrivateKeyPath!);
                return new GitHubAppCredentials(sp.GetRequiredService<GitHubConnection>(), new GitHubAppJwt(pem, o.Issuer!, sp.GetRequiredService<TimeProvider>()), sp.GetRequiredService<TimeProvider>());
            }
            if (o.HasToken)
            {
                log.LogWarning("GitHub: only a personal token is configured (GitHub:Token). Check runs and their Approve/Rollback buttons need a GitHub App (GitHub:ClientId or GitHub:AppId plus GitHub:PrivateKey); deployments and comments still work.");
                return new PersonalTokenCredentials(o.Token!);
            }
            throw new InvalidOperationException("GitHub: set GitHub:ClientId (or GitHub:AppId) and GitHub:PrivateKey, or GitHub:Token");
        });
        services.AddTransient<GitHubClient>();
        services.TryAddSingleton<YamlRepoConfigParser>();
        services.TryAddSingleton<GitHubTeamMembershipCache>();
        services.TryAddSingleton<GitHubFileCache>();
        services.AddTransient<DeploymentGates>();
        services.AddTransient<GitHubEventHandler>();
        services.AddTransient<IWorkHandler<GitHubWork>>(sp => sp.GetRequiredService<GitHubEventHandler>());
        services.TryAddWorkQueue<GitHubWork>(GitHubWorkTrigger.Name, GitHubWorkTrigger.Queue, promptRuns: true);
        if (options.HasApp || options.HasToken)
        {
            services.TryAddSingleton<GitHubNotifier>();
            services.AddNotificationTarget("github", sp => sp.GetRequiredService<GitHubNotifier>());
        }
        return services;
    }
}

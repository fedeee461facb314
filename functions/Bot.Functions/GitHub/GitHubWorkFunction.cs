using Bot.Functions.Hosting;

namespace Bot.Functions.GitHub;

/// <summary>Queue trigger on <c>github-work</c> (the <c>GitHubWork</c> function in functions.metadata): each message is a <see cref="GitHubWork"/>
/// accepted by <c>POST /api/github</c>, handled by <see cref="GitHubEventHandler"/>. Failures end in <c>github-work-poison</c>.</summary>
public sealed class GitHubWorkFunction(IServiceScopeFactory scopes, ILogger<GitHubWorkFunction> log) : WorkQueueFunction(scopes)
{
    public const string Name = "GitHubWork";

    /// <summary>The queue name when no function catalog is registered (the queue of the <c>GitHubWork</c> function).</summary>
    public const string DefaultQueue = GitHub.GitHubWorkTrigger.Queue;

    public override string FunctionName => Name;

    protected override async Task<string> DoAsync(string message, object? accepted, IServiceProvider services, CancellationToken ct)
    {
        var work = accepted as GitHubWork ?? GitHubWork.Parse(message);
        var e = work.Delivery;
        var outcome = await services.GetRequiredService<GitHubEventHandler>().HandleAsync(work, ct);
        log.LogInformation("GitHub {Event} {Delivery}: {Outcome}", e.Event, e.DeliveryId, outcome.Message);
        return $"{e.Event} {e.DeliveryId}: {outcome.Message}";
    }
}

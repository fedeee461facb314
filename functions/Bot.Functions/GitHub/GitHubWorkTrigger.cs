using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.GitHub;

/// <summary>Queue trigger on <c>github-work</c>: GitHub deliveries accepted by <c>POST /api/github</c>, done by <see cref="GitHubWorkFunction"/>.</summary>
public sealed class GitHubWorkTrigger(GitHubWorkFunction work)
{
    public const string Name = "GitHubWork";
    public const string Queue = "github-work";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        work.RunAsync(message, null, ct);
}

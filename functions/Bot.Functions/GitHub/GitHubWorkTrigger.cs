using Bot.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Bot.Functions.GitHub;

/// <summary>Queue trigger on <c>github-work</c>: GitHub deliveries accepted by <c>POST /api/github</c>, handled by <see cref="GitHubEventHandler"/> when not done before the answer. Failures end in <c>github-work-poison</c>.</summary>
public sealed class GitHubWorkTrigger(WorkQueue<GitHubWork> work)
{
    public const string Name = "GitHubWork";
    public const string Queue = "github-work";

    [Function(Name)]
    public Task RunAsync([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken ct) =>
        work.RunAsync(message, null, ct);
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Adapters.GitHub;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.GitHub;

/// <summary><c>POST /api/github</c>: <see cref="GitHubWebhookEndpoint"/> verifies the exact body bytes and does the delivery before the answer, or queues it on <c>github-work</c>.</summary>
public sealed class GitHubWebhookTrigger(IOptions<GitHubOptions> options, WorkQueue<GitHubWork> queue, IReleaseConfigs configs, IRolloutStore store, TimeProvider time, ILoggerFactory loggers)
{
    public const string Name = "GitHubWebhook";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "github")] HttpRequest req, CancellationToken ct)
    {
        return HttpAnswer.Of(GitHubWebhookEndpoint.HandleAsync(req.HttpContext, options, queue, configs, store, time, loggers, ct));
    }
}

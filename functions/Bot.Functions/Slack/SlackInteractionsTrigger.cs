using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Functions.Hosting;

namespace Bot.Functions.Slack;

/// <summary><c>POST /api/slack/interactions</c>: <see cref="SlackEndpoints.HandleInteractionAsync"/>, a 404 while Slack is off (<see cref="SlackInbox"/> is registered only when Slack is configured).</summary>
public sealed class SlackInteractionsTrigger(SlackInbox? inbox = null)
{
    public const string Name = "SlackInteractions";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "slack/interactions")] HttpRequest req, CancellationToken ct)
    {
        return inbox is null ? Task.FromResult(HttpAnswer.Off(SlackHostExtensions.Off)) : HttpAnswer.Of(SlackEndpoints.HandleInteractionAsync(req.HttpContext, inbox, ct));
    }
}

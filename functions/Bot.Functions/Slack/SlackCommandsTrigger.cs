using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Functions.Hosting;

namespace Bot.Functions.Slack;

/// <summary><c>POST /api/slack/commands</c>: <see cref="SlackEndpoints.HandleCommandAsync"/>, a 404 while Slack is off (<see cref="SlackInbox"/> is registered only when Slack is configured).</summary>
public sealed class SlackCommandsTrigger(SlackInbox? inbox = null)
{
    public const string Name = "SlackCommands";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "slack/commands")] HttpRequest req, CancellationToken ct)
    {
        return inbox is null ? Task.FromResult(HttpAnswer.Off(SlackHostExtensions.Off)) : HttpAnswer.Of(SlackEndpoints.HandleCommandAsync(req.HttpContext, inbox, ct));
    }
}

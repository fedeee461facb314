using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Adapters.Pages;
using Bot.Core.Ports;
using Bot.Functions.Api;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Pages;

/// <summary><c>GET /api/pages/rollouts/{id}</c> (signed link or command API key): <see cref="PageEndpoints.RolloutAsync"/>.</summary>
public sealed class PageRolloutTrigger(PageLinks links, ApiKeyFilter keys, IRolloutStore store, IAuditLog audit, TimeProvider time)
{
    public const string Name = "PageRollout";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/rollouts/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        return HttpAnswer.Of(PageEndpoints.RolloutAsync(id, req.HttpContext, links, keys, store, audit, time, ct));
    }
}

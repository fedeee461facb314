using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Adapters.Pages;
using Bot.Core.Ports;
using Bot.Functions.Api;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Pages;

/// <summary><c>GET /api/pages/services/{service}</c> (signed link or command API key): <see cref="PageEndpoints.ServiceAsync"/>.</summary>
public sealed class PageServiceTrigger(PageLinks links, ApiKeyFilter keys, IRolloutStore store, IReleaseConfigs configs, TimeProvider time)
{
    public const string Name = "PageService";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "pages/services/{service}")] HttpRequest req, string service, CancellationToken ct)
    {
        return HttpAnswer.Of(PageEndpoints.ServiceAsync(service, req.HttpContext, links, keys, store, configs, time, ct));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Adapters.Scheduling;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Api;
using Bot.Functions.Ci;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Adapters.Freezes;

namespace Bot.Functions.Freezes;

/// <summary><c>GET /api/freezes</c> (command API key): the active freezes.</summary>
public sealed class FreezeListTrigger(ApiKeyFilter keys, FreezeService freezes)
{
    public const string Name = "FreezeList";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "freezes")] HttpRequest req, CancellationToken ct)
    {
        if (keys.Reject(req.HttpContext) is { } no) return HttpAnswer.Of(no);
        return await HttpAnswer.Of(FreezeApi.ListAsync(freezes, ct));
    }
}

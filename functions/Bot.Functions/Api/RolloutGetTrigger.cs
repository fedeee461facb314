using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Api;

/// <summary><c>GET /api/rollouts/{id}</c> (command API key): the rollout.</summary>
public sealed class RolloutGetTrigger(IOptions<CommandApiOptions> api, ApiKeyFilter keys, IRolloutStore store)
{
    public const string Name = "RolloutGet";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rollouts/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        if (!api.Value.Enabled) return HttpAnswer.Off(CommandApiOptions.Off);
        if (keys.Reject(req.HttpContext) is { } no) return HttpAnswer.Of(no);
        return await HttpAnswer.Of(CommandApi.GetAsync(id, store, ct));
    }
}

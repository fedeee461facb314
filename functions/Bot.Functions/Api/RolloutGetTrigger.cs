using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Api;

/// <summary><c>GET /api/rollouts/{id}</c> (command API key): the rollout.</summary>
public sealed class RolloutGetTrigger(ApiKeyFilter keys, IRolloutStore store)
{
    public const string Name = "RolloutGet";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rollouts/{id}")] HttpRequest req, string id, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(CommandApi.GetAsync(id, store, ct));
    }
}

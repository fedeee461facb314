using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Api;

/// <summary><c>GET /api/services/{service}/rollouts?max=</c> (command API key): the newest rollouts.</summary>
public sealed class ServiceRolloutsTrigger(ApiKeyFilter keys, IRolloutStore store, IReleaseConfigs configs)
{
    public const string Name = "ServiceRollouts";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "services/{service}/rollouts")] HttpRequest req, string service, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(CommandApi.ListAsync(service, req.Query["max"], store, configs, ct));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Api;

/// <summary><c>GET /api/services/{service}/audit?rolloutId=</c> (command API key): the audit records.</summary>
public sealed class ServiceAuditTrigger(ApiKeyFilter keys, IAuditLog audit, IRolloutStore store, IReleaseConfigs configs)
{
    public const string Name = "ServiceAudit";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "services/{service}/audit")] HttpRequest req, string service, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(CommandApi.AuditAsync(service, req.Query["rolloutId"], audit, store, configs, ct));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Api;

/// <summary><c>GET /api/services/{service}/audit?rolloutId=</c> (command API key): the audit records.</summary>
public sealed class ServiceAuditTrigger(IOptions<CommandApiOptions> api, ApiKeyFilter keys, IAuditLog audit, IRolloutStore store, IReleaseConfigs configs)
{
    public const string Name = "ServiceAudit";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "services/{service}/audit")] HttpRequest req, string service, CancellationToken ct)
    {
        if (!api.Value.Enabled) return HttpAnswer.Off(CommandApiOptions.Off);
        if (keys.Reject(req.HttpContext) is { } no) return HttpAnswer.Of(no);
        return await HttpAnswer.Of(CommandApi.AuditAsync(service, req.Query["rolloutId"], audit, store, configs, ct));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Functions.Orphans;

namespace Bot.Functions.Api;

/// <summary><c>POST /api/services/{service}/restore</c> (command API key): <see cref="OrphanExtensions.RestoreAsync"/>.</summary>
public sealed class ServiceRestoreTrigger(ApiKeyFilter keys, CommandPipeline pipeline, [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership)
{
    public const string Name = "ServiceRestore";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "services/{service}/restore")] HttpRequest req, string service, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(OrphanExtensions.RestoreAsync(service, req.HttpContext, pipeline, membership, ct));
    }
}

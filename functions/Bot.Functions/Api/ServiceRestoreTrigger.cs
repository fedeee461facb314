using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;
using Bot.Functions.Orphans;

namespace Bot.Functions.Api;

/// <summary><c>POST /api/services/{service}/restore</c> (command API key): <see cref="OrphanExtensions.RestoreAsync"/>.</summary>
public sealed class ServiceRestoreTrigger(IOptions<CommandApiOptions> api, ApiKeyFilter keys, CommandPipeline pipeline, [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership)
{
    public const string Name = "ServiceRestore";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "services/{service}/restore")] HttpRequest req, string service, CancellationToken ct)
    {
        if (!api.Value.Enabled) return HttpAnswer.Off(CommandApiOptions.Off);
        if (keys.Reject(req.HttpContext) is { } no) return HttpAnswer.Of(no);
        return await HttpAnswer.Of(OrphanExtensions.RestoreAsync(service, req.HttpContext, pipeline, membership, ct));
    }
}

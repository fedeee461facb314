using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Adapters.Scheduling;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Api;
using Bot.Functions.Ci;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Freezes;

/// <summary><c>POST /api/freezes</c> (command API key) <c>{scope, duration?, reason?}</c>: <see cref="FreezeApi.FreezeAsync"/>.</summary>
public sealed class FreezeSetTrigger(ApiKeyFilter keys, CommandPipeline pipeline, IReleaseConfigs configs, [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership)
{
    public const string Name = "FreezeSet";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "freezes")] HttpRequest req, CancellationToken ct)
    {
        if (keys.Reject(req.HttpContext) is { } no) return HttpAnswer.Of(no);
        return await HttpAnswer.Of(FreezeApi.FreezeAsync(req.HttpContext, pipeline, configs, membership, ct));
    }
}

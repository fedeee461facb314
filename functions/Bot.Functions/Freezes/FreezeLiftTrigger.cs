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

/// <summary><c>DELETE /api/freezes/{scope}</c> (command API key): <see cref="FreezeApi.UnfreezeAsync"/>.</summary>
public sealed class FreezeLiftTrigger(ApiKeyFilter keys, CommandPipeline pipeline, [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership)
{
    public const string Name = "FreezeLift";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "freezes/{scope}")] HttpRequest req, string scope, CancellationToken ct)
    {
        if (keys.Reject(req.HttpContext) is { } no) return HttpAnswer.Of(no);
        return await HttpAnswer.Of(FreezeApi.UnfreezeAsync(scope, req.HttpContext, pipeline, membership, ct));
    }
}

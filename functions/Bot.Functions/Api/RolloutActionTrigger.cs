using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Api;

/// <summary><c>POST /api/rollouts/{id}/{approve|rollback|pause|resume|promote|abort}</c> (command API key): <see cref="CommandApi.ActAsync"/>.</summary>
public sealed class RolloutActionTrigger(ApiKeyFilter keys, CommandPipeline pipeline, [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership)
{
    public const string Name = "RolloutAction";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts/{id}/{action:regex(^(approve|rollback|pause|resume|promote|abort)$)}")] HttpRequest req, string id, string action, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(CommandApi.ActAsync(id, action, req.HttpContext, pipeline, membership, ct));
    }
}

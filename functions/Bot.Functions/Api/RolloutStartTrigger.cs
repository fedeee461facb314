using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;

namespace Bot.Functions.Api;

/// <summary><c>POST /api/rollouts</c> (command API key): <see cref="CommandApi.StartAsync"/>.</summary>
public sealed class RolloutStartTrigger(ApiKeyFilter keys, CommandPipeline pipeline, [FromKeyedServices(ApiKeyFilter.MembershipKey)] IMembershipResolver membership)
{
    public const string Name = "RolloutStart";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rollouts")] HttpRequest req, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(CommandApi.StartAsync(req.HttpContext, pipeline, membership, ct));
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Ci;

/// <summary><c>POST /api/ci</c>: <see cref="CiWebhook"/> checks the signature or token over the exact body bytes and starts the rollout.</summary>
public sealed class CiWebhookTrigger(IOptions<CiOptions> options, IReleaseConfigs configs, CommandPipeline pipeline, TimeProvider time, ILoggerFactory loggers)
{
    public const string Name = "CiWebhook";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "ci")] HttpRequest req, CancellationToken ct)
    {
        return HttpAnswer.Of(CiWebhook.HandleAsync(req.HttpContext, options, configs, pipeline, time, loggers, ct));
    }
}

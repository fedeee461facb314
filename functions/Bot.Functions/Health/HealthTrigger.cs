using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Functions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Functions.Health;

/// <summary><c>GET /api/health</c>: <see cref="HealthEndpoints"/>.</summary>
public sealed class HealthTrigger(HealthCheckService checks, HostEnvironment env)
{
    public const string Name = "Health";

    [Function(Name)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken ct)
    {
        return HttpAnswer.Of(HealthEndpoints.GetAsync(checks, env, ct));
    }
}

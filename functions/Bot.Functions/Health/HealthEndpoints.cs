using Bot.Functions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Functions.Health;

/// <summary><c>GET /api/health</c> (function <c>Health</c>): version, mode and each dependency's reachability;
/// 200 when every check is healthy or degraded (e.g. orphaned canary traffic, listed under the check's <c>data</c>), 503 otherwise. No key needed; answers carry no secrets.
/// Dependencies register ordinary ASP.NET Core health checks: <c>services.AddHealthChecks().AddCheck&lt;T&gt;("slack")</c>.</summary>
public static class HealthEndpoints
{
    internal static async Task<IResult> GetAsync(HealthCheckService checks, HostEnvironment env, CancellationToken ct)
    {
        var report = await checks.CheckHealthAsync(ct);
        var body = new HealthResponse(
            report.Status.ToString(), env.Version, env.Mode.ToString().ToLowerInvariant(),
            report.Entries.ToDictionary(e => e.Key, e => new DependencyHealth(
                e.Value.Status.ToString(), e.Value.Description ?? e.Value.Exception?.Message, (long)e.Value.Duration.TotalMilliseconds,
                e.Value.Data.Count == 0 ? null : e.Value.Data)));
        return TypedResults.Json(body, statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}

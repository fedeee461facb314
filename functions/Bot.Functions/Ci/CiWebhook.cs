using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Api;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Ci;

/// <summary>
/// <c>POST /api/ci</c> (function <c>CiWebhook</c>): a build finished in any CI system. Order matters: authenticate
/// over the raw bytes (401, nothing touched), validate (400 listing each field), find the service (404 naming the known
/// ones), then start the rollout of a green build through <see cref="CommandPipeline"/> as the CI token's identity
/// (<see cref="CiOptions.Name"/>, <see cref="CiOptions.Identity"/>: the service's deployers decide). The build id is deduplicated by the engine, not by a claim made
/// beforehand: it is recorded in the service state committed with the new rollout (<see cref="StartRollout.Delivery"/>),
/// so a crash at any point either left nothing (the CI system's retry starts the rollout) or left the rollout and its
/// record together (the retry is answered as a duplicate naming the rollout). Storage failures become a 503 problem
/// with <c>Retry-After</c> (<see cref="Hosting.ProblemAnswers"/>).
/// </summary>
public static class CiWebhook
{
    public const string FunctionName = "CiWebhook";

    /// <summary>Largest body accepted, in bytes. CI payloads are a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>The delivery id the engine remembers for build <paramref name="buildId"/>.</summary>
    public static string DeliveryId(string buildId) => "ci:" + buildId;

    public static async Task<IResult> HandleAsync(
        HttpContext http, IOptions<CiOptions> options, IReleaseConfigs configs, CommandPipeline pipeline,
        TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var log = logs.CreateLogger(typeof(CiWebhook));
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
            return TypedResults.Problem(title: "Payload too large", detail: $"the body is larger than {MaxBodyBytes} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);

        var o = options.Value;
        var headers = http.Request.Headers;
        if (CiAuth.Check(o, headers.Authorization.ToString(), headers[CiAuth.TimestampHeader].ToString(), headers[CiAuth.SignatureHeader].ToString(), body, time.GetUtcNow()) is { } denied)
        {
            log.LogWarning("CI webhook refused: {Reason}", denied);
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(title: "Unauthorized", detail: denied, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (CiBuildParser.Parse(body, out var errors) is not { } build)
            return TypedResults.ValidationProblem(errors, title: "The CI notification is not valid");

        if (await configs.FindAsync(build.Service, ct) is not { } config)
        {
            var known = (await configs.ListAsync(ct)).Select(c => c.Service).Order(StringComparer.Ordinal).ToList();
            return TypedResults.Problem(title: "Unknown service", statusCode: StatusCodes.Status404NotFound,
                detail: $"no service '{build.Service}'; known services: {(known.Count == 0 ? "(none configured)" : string.Join(", ", known))}");
        }

        if (build.Status == CiBuildStatus.Failed)
        {
            // Starts nothing and changes nothing, so a redelivery gets the same answer.
            log.LogInformation("CI build {Id} of {Service} {Version} failed; nothing started", build.Id, build.Service, build.Version);
            return TypedResults.Accepted((string?)null, new CiResponse($"build {build.Id} of {build.Service} {build.Version} failed; nothing started"));
        }

        // The CI token is an identity like an API key: the service's deployers must name it (or its mapped identity).
        var delivery = DeliveryId(build.Id);
        var outcome = await pipeline.RunAsync(new CommandRequest(new DeployCommand(build.Service, build.Version), o.Actor())
        {
            Config = config,
            Reason = $"CI build {build.Id} succeeded",
            Source = new VersionSource(build.Commit, build.Image, build.Repository ?? config.GitHubRepo, build.BuildUrl),
            Delivery = new InboundDelivery(delivery, o.DedupWindow),
        }, NoGroupsMembershipResolver.Instance, ct);
        if (outcome.Refused is { } refused) return CommandApi.Refusal(refused);
        var result = outcome.Execution!;

        if (result.Decision.Effects.Count == 0 && RolloutMachine.FindDelivery(result.State, delivery, time.GetUtcNow()) is { } seen)
        {
            log.LogInformation("CI build {Id}: redelivery; {Message}", build.Id, result.Decision.Message);
            return TypedResults.Ok(new CiResponse(
                $"build {build.Id} was already received at {seen.At:u}; " + (seen.RolloutId is { } r ? $"it started {r}" : "its version was queued behind the active rollout"),
                RolloutId: seen.RolloutId, Duplicate: true));
        }

        var started = RolloutMachine.FindDelivery(result.State, delivery, time.GetUtcNow())?.RolloutId;
        var response = new CiResponse(result.Decision.Message ?? $"{build.Service} {build.Version} accepted", RolloutId: started);
        return started is null
            ? TypedResults.Accepted((string?)null, response)
            : TypedResults.Created($"/api/rollouts/{Uri.EscapeDataString(started)}", response);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}

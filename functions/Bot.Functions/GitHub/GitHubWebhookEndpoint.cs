using Bot.Adapters.GitHub;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.GitHub;

/// <summary><c>POST /api/github</c> (function <c>GitHubWebhook</c>, forwarded raw so the signature covers the exact bytes).
/// Verifies, parses and claims the delivery, puts it on the durable <see cref="WorkQueue{TWork}"/> of <see cref="GitHubWork"/> and answers 202; the
/// <see cref="GitHubWorkFunction"/> queue trigger does the work (executor, comments, check runs) after the answer.</summary>
public static class GitHubWebhookEndpoint
{
    public const string FunctionName = "GitHubWebhook";
    /// <summary>GitHub does not send payloads over 25 MB.</summary>
    private const int MaxBody = 25 * 1024 * 1024;

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<GitHubOptions> options, IDeliveryDedup dedup,
        WorkQueue<GitHubWork> queue, IReleaseConfigs configs, IRolloutStore store, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger(typeof(GitHubWebhookEndpoint));
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > MaxBody) return TypedResults.BadRequest(new { error = "payload larger than 25 MB" });
        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);

        var secret = options.Value.WebhookSecret;
        if (string.IsNullOrEmpty(secret) || !WebhookSignature.IsValid(secret, body, http.Request.Headers[WebhookSignature.Header]))
            return TypedResults.Json(new { error = $"{WebhookSignature.Header} is missing or does not match the body signed with the webhook secret" }, statusCode: StatusCodes.Status401Unauthorized);

        var eventName = http.Request.Headers["X-GitHub-Event"].ToString();
        var delivery = http.Request.Headers["X-GitHub-Delivery"].ToString();
        GitHubWebhookEvent parsed;
        try
        {
            parsed = GitHubWebhookParser.Parse(eventName, delivery, body);
        }
        catch (WebhookPayloadException e)
        {
            return TypedResults.BadRequest(new { error = e.Message });
        }

        switch (parsed)
        {
            case PingEvent ping:
                return TypedResults.Ok(new { ok = true, zen = ping.Zen });
            case IgnoredEvent ignored:
                return TypedResults.Accepted((string?)null, new { ignored = true, reason = ignored.Reason });
        }

        // PR comment commands are bound to the rollouts active now (GitHubCommandIntake): a retry never acts on a later one.
        // The binding reads go out with the claim (one round trip before queuing, not two); nothing is queued unclaimed.
        var bound = GitHubCommandIntake.BindAsync(GitHubWork.For(parsed), configs, store, time, ct);
        bool claimed;
        try
        {
            // Claimed before acting: GitHub's redelivery repeats X-GitHub-Delivery, and must not act twice.
            claimed = await dedup.TryClaimAsync("github", delivery, options.Value.DeliveryTtl, ct);
        }
        finally
        {
            if (!bound.IsCompleted) await ((Task)bound).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (!claimed)
            return TypedResults.Accepted((string?)null, new { ignored = true, reason = $"delivery {delivery} was already handled" });

        try
        {
            await queue.EnqueueAsync(await bound, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "GitHub {Event} {Delivery} could not be put on queue {Queue}", eventName, delivery, queue.Queue);
            // Give the claim back so GitHub's redelivery of this id is processed rather than dropped as a duplicate.
            await dedup.ReleaseAsync("github", delivery, CancellationToken.None);
            return TypedResults.Json(new { error = $"delivery {delivery} could not be queued (storage unavailable); nothing was done" },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        log.LogInformation("GitHub {Event} {Delivery}: queued on {Queue}", eventName, delivery, queue.Queue);
        return TypedResults.Accepted((string?)null, new { queued = true, delivery, queue = queue.Queue });
    }
}

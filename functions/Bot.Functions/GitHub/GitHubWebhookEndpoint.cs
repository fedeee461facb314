using Bot.Adapters.GitHub;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.GitHub;

/// <summary><c>POST /api/github</c> (function <c>GitHubWebhook</c>, forwarded raw so the signature covers the exact bytes).
/// Verifies, parses, binds PR-comment commands (<see cref="GitHubCommandIntake"/>) and hands the delivery to
/// <see cref="WorkQueue{TWork}.RunOrEnqueueAsync"/>: the <see cref="GitHubEventHandler"/> does it before GitHub is answered
/// when it takes less than <see cref="GitHubOptions.AnswerBudget"/>, and it is put on the durable <c>github-work</c> queue
/// (for <see cref="GitHubWorkTrigger"/>) when it takes longer or fails. What a delivery does to a rollout is recorded with
/// its <c>X-GitHub-Delivery</c> id in the service's state, so GitHub's redelivery acts once.</summary>
public static class GitHubWebhookEndpoint
{
    public const string FunctionName = "GitHubWebhook";
    /// <summary>GitHub does not send payloads over 25 MB.</summary>
    private const int MaxBody = 25 * 1024 * 1024;

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<GitHubOptions> options,
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
        // A run here starts while the bindings are read (its GitHub reads need none); what is queued is always bound.
        // Storage that cannot bind or take the delivery throws: the app's problem answers make it a 503 with Retry-After,
        // nothing was done, and GitHub's redelivery is acted on (no claim remembers it).
        var unbound = GitHubWork.For(parsed) with { AcceptedAt = time.GetUtcNow() };
        var bound = GitHubCommandIntake.BindAsync(unbound, configs, store, CancellationToken.None);
        var handOff = await queue.RunOrEnqueueAsync(bound, unbound with { Binding = bound }, options.Value.AnswerBudget, ct);
        if (handOff == WorkHandOff.Done) return TypedResults.Accepted((string?)null, new { done = true, delivery });
        log.LogInformation("GitHub {Event} {Delivery}: queued on {Queue}", eventName, delivery, queue.Queue);
        return TypedResults.Accepted((string?)null, new { queued = true, delivery, queue = queue.Queue });
    }
}

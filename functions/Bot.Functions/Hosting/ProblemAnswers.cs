using System.Globalization;
using System.Text;
using System.Text.Json;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Polly.Timeout;

namespace Bot.Functions.Hosting;

/// <summary>
/// The one place failures become answers, for every HTTP endpoint (command API, CI, freezes, Slack, GitHub, health):
/// an exception an endpoint did not handle becomes an RFC 7807 problem document (<c>application/problem+json</c>,
/// title, detail, status, traceId), and a failure status an endpoint set without a body gets one too
/// (<see cref="ProblemAnswerExtensions.UseProblemAnswers"/>). Storage that does not answer is a 503 with <c>Retry-After</c>; a body that
/// cannot be decoded is a 400 that says so. Details never carry secrets: unexpected exceptions are named by type only.
/// </summary>
public sealed class ProblemAnswers(IProblemDetailsService problems, ILogger<ProblemAnswers> log) : IExceptionHandler
{
    /// <summary>What a caller is told to wait when storage is down or throttling (a restart of Azurite or a storage
    /// failover takes seconds; the bot's own retries already spent about three).</summary>
    public static readonly TimeSpan StorageRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>What a caller is told to wait when the service's state kept changing under the request.</summary>
    public static readonly TimeSpan ConflictRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A problem and, for 503s, how long the caller should wait before retrying.</summary>
    public sealed record Answer(int Status, string Title, string Detail, TimeSpan? RetryAfter = null);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        {
            // The caller went away: nobody reads this answer.
            log.LogInformation("{Method} {Path}: the caller disconnected", http.Request.Method, http.Request.Path);
            http.Response.StatusCode = 499;
            return true;
        }

        var answer = Map(exception, $"{http.Request.Method} {http.Request.Path}");
        if (answer.Status >= 500 && answer.RetryAfter is null)
            log.LogError(exception, "{Method} {Path} failed: {Status} {Title}", http.Request.Method, http.Request.Path, answer.Status, answer.Title);
        else
            log.LogWarning("{Method} {Path}: {Status} {Title}: {Detail}", http.Request.Method, http.Request.Path, answer.Status, answer.Title, answer.Detail);

        if (http.Response.HasStarted) return false;
        http.Response.Clear();
        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is { } wait)
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails { Status = answer.Status, Title = answer.Title, Detail = answer.Detail };
        if (await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem }))
            return true;
        // No writer took it (the caller's Accept excludes JSON): send the problem document anyway.
        problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? http.TraceIdentifier;
        await http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", cancellationToken);
        return true;
    }

    /// <summary>Which answer an unhandled exception gets. <paramref name="request"/> (<c>METHOD /path</c>) is only
    /// used in wording.</summary>
    public static Answer Map(Exception exception, string request)
    {
        var storageWait = $"retry after {StorageRetryAfter.TotalSeconds:0} seconds (the bot deduplicates deliveries and commands, so a retry is safe)";
        switch (exception)
        {
            case StorageException { IsUnavailable: true } s:
                return new Answer(StatusCodes.Status503ServiceUnavailable, "Storage unavailable",
                    $"the bot's storage (AzureWebJobsStorage) did not answer {request} ({s.ErrorCode}); {storageWait}", StorageRetryAfter);
            case StorageException s:
                return new Answer(StatusCodes.Status503ServiceUnavailable, "Storage refused the bot",
                    $"the bot's storage refused a request while handling {request} ({(int)s.Status} {s.ErrorCode}); check AzureWebJobsStorage, then {storageWait}", StorageRetryAfter);
            case ConcurrencyConflictException:
                return new Answer(StatusCodes.Status503ServiceUnavailable, "Busy",
                    $"the service's rollout state kept changing while {request} was decided; nothing was changed by this request, retry it", ConflictRetryAfter);
            case HttpRequestException or TimeoutRejectedException:
                return new Answer(StatusCodes.Status503ServiceUnavailable, "Dependency unavailable",
                    $"a service the bot calls did not answer while handling {request} ({exception.GetType().Name}); retry later", StorageRetryAfter);
            case BadHttpRequestException b:
                return new Answer(b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload too large" : "Bad request", b.Message);
        }
        if (Find<DecoderFallbackException>(exception) is { } undecodable)
            return new Answer(StatusCodes.Status400BadRequest, "Undecodable body",
                $"the request body is not valid UTF-8{(undecodable.Index >= 0 ? $" (at character {undecodable.Index} of a string)" : "")}: send it encoded as UTF-8");
        if (Find<JsonException>(exception) is { } json)
            return new Answer(StatusCodes.Status400BadRequest, "Bad request",
                $"the request body is not valid JSON{(json.BytePositionInLine is { } at ? $" (line {json.LineNumber + 1}, byte {at + 1})" : "")}: send one JSON object");
        return new Answer(StatusCodes.Status500InternalServerError, "Internal error",
            $"the bot failed unexpectedly while handling {request} ({exception.GetType().Name}); the bot's log has the details under this traceId");
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is T t) return t;
        }
        return null;
    }
}

using System.Net;

namespace Bot.Adapters.GitHub;

/// <summary>A non-success answer from the GitHub REST API. <see cref="Body"/> is GitHub's JSON error (<c>message</c>,
/// <c>errors</c>, <c>documentation_url</c>) as received.</summary>
public sealed class GitHubApiException(HttpStatusCode statusCode, string method, string path, string? body, string? message = null, Exception? inner = null)
    : Exception(message ?? $"GitHub {method} {path} answered {(int)statusCode} {statusCode}: {Summarize(body)}", inner)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public string Method { get; } = method;
    public string Path { get; } = path;
    public string? Body { get; } = body;

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;
    public bool IsUnauthorized => StatusCode == HttpStatusCode.Unauthorized;
    public bool IsValidationFailed => StatusCode == HttpStatusCode.UnprocessableEntity;
    /// <summary>Primary or secondary rate limit that could not be waited out.</summary>
    public bool IsRateLimited { get; init; }
    /// <summary>For a rate limit: how long GitHub asked to wait (<c>retry-after</c>, the reset, or the secondary backoff).</summary>
    public TimeSpan? RetryAfter { get; init; }

    private static string Summarize(string? body) =>
        string.IsNullOrWhiteSpace(body) ? "(no body)" : body.Length <= 500 ? body : body[..500] + "…";
}

using System.Net;

namespace Bot.Adapters.Storage;

/// <summary>
/// A non-success answer from Azure Storage, typed by the service's error code
/// (<c>QueueNotFound</c>, <c>UpdateConditionNotSatisfied</c>, <c>EntityAlreadyExists</c>, ...).
/// </summary>
public sealed class StorageException(HttpStatusCode status, string errorCode, string message, Exception? inner = null)
    : Exception($"{(int)status} {errorCode}: {message}", inner)
{
    /// <summary>The code of a request that got no answer at all (connection refused, timeouts), after retries.</summary>
    public const string UnreachableCode = "StorageUnreachable";

    public HttpStatusCode Status { get; } = status;
    public string ErrorCode { get; } = errorCode;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
    public bool IsConflict => Status == HttpStatusCode.Conflict;
    public bool IsPreconditionFailed => Status == HttpStatusCode.PreconditionFailed;
    /// <summary>Storage is down, unreachable or throttling (what a caller may retry later), not a refusal of the request.</summary>
    public bool IsUnavailable => ErrorCode == UnreachableCode || StorageResilience.IsTransient(Status);
}

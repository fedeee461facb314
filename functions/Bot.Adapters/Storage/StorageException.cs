using System.Net;
using Bot.Core.Ports;

namespace Bot.Adapters.Storage;

/// <summary>
/// A non-success answer from Azure Storage, typed by the service's error code
/// (<c>QueueNotFound</c>, <c>UpdateConditionNotSatisfied</c>, <c>EntityAlreadyExists</c>, ...), or no answer at all.
/// The SDK's exception (or the network error) is the inner exception.
/// </summary>
public sealed class StorageException(HttpStatusCode status, string errorCode, string message, Exception? inner = null)
    : Exception($"{(int)status} {errorCode}: {message}", inner), ITransientFailure
{
    /// <summary>The code of a request that got no answer at all (connection refused, timeouts), after retries.</summary>
    public const string UnreachableCode = "StorageUnreachable";

    public HttpStatusCode Status { get; } = status;
    public string ErrorCode { get; } = errorCode;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
    public bool IsConflict => Status == HttpStatusCode.Conflict;
    public bool IsPreconditionFailed => Status == HttpStatusCode.PreconditionFailed;
    /// <summary>Storage is down, unreachable or throttling (what a caller may retry later), not a refusal of the request.</summary>
    public bool IsUnavailable => ErrorCode == UnreachableCode || (int)Status >= 500 || Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    /// <summary>An unavailable store makes a rollout wait and retry, never roll back.</summary>
    bool ITransientFailure.IsTransient => IsUnavailable;
}

using System.Net;

namespace Bot.Adapters.Storage;

/// <summary>
/// A non-success answer from Azure Storage, typed by the service's error code
/// (<c>QueueNotFound</c>, <c>UpdateConditionNotSatisfied</c>, <c>EntityAlreadyExists</c>, ...).
/// </summary>
public sealed class StorageException(HttpStatusCode status, string errorCode, string message)
    : Exception($"{(int)status} {errorCode}: {message}")
{
    public HttpStatusCode Status { get; } = status;
    public string ErrorCode { get; } = errorCode;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
    public bool IsConflict => Status == HttpStatusCode.Conflict;
    public bool IsPreconditionFailed => Status == HttpStatusCode.PreconditionFailed;
}

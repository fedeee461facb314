using System.Net;
using Azure;

namespace Bot.Adapters.Storage;

/// <summary>Runs one SDK call and turns its failures into <see cref="StorageException"/>: an answer keeps its status and
/// error code; no answer after the SDK's retries (connection refused, network timeouts) is
/// <see cref="StorageException.UnreachableCode"/> with the network error inside. A cancellation the caller asked for
/// passes through.</summary>
internal static class StorageCall
{
    public static async Task<T> RunAsync<T>(string operation, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status != 0)
        {
            var status = (HttpStatusCode)e.Status;
            throw new StorageException(status, e.ErrorCode ?? status.ToString(), $"{operation}: {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && IsNoAnswer(e))
        {
            var cause = Cause(e);
            throw new StorageException(HttpStatusCode.ServiceUnavailable, StorageException.UnreachableCode,
                $"{operation}: no answer ({FirstLine(cause.Message)})", cause);
        }
    }

    /// <summary>Azure.Core reports a request without an answer as status 0, and one that failed on every attempt as an
    /// <see cref="AggregateException"/> of those.</summary>
    private static bool IsNoAnswer(Exception e) => e switch
    {
        RequestFailedException r => r.Status == 0,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsNoAnswer),
        HttpRequestException or IOException or TimeoutException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>The network error behind the last attempt.</summary>
    private static Exception Cause(Exception e) => e switch
    {
        AggregateException a => Cause(a.InnerExceptions[^1]),
        RequestFailedException { InnerException: { } inner } => inner,
        _ => e,
    };

    /// <summary>The service's sentence; the SDK appends request ids, headers and content on the following lines.</summary>
    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

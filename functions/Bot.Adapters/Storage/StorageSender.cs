using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using Polly;
using Polly.Timeout;

namespace Bot.Adapters.Storage;

/// <summary>Sends one storage operation: a fresh, freshly signed request per attempt inside the resilience pipeline;
/// non-success answers become <see cref="StorageException"/>.</summary>
internal sealed class StorageSender(
    HttpClient http, StorageConnectionString account, Action<HttpRequestMessage, StorageConnectionString, DateTimeOffset> sign,
    ResiliencePipeline<HttpResponseMessage> pipeline, TimeProvider time)
{
    public StorageConnectionString Account => account;

    /// <summary>Returns the successful response (caller disposes) or throws <see cref="StorageException"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, CancellationToken ct)
    {
        string? operation = null;
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(async token =>
            {
                using var request = build();
                operation ??= $"{request.Method} {request.RequestUri?.AbsolutePath}";
                sign(request, account, time.GetUtcNow());
                return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException
            || (e is OperationCanceledException { InnerException: TimeoutException } && !ct.IsCancellationRequested))
        {
            // No answer after the retries: one typed failure callers (and the HTTP problem mapping) recognise.
            throw new StorageException(HttpStatusCode.ServiceUnavailable, StorageException.UnreachableCode,
                $"{operation ?? "request"}: no answer ({e.Message})", e);
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw await ToExceptionAsync(response, operation!, ct).ConfigureAwait(false);
    }

    private static async Task<StorageException> ToExceptionAsync(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var (bodyCode, message) = ParseError(body);
        var code = response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.First() : bodyCode;
        code ??= response.StatusCode.ToString();
        return new StorageException(response.StatusCode, code, $"{operation}: {message ?? response.ReasonPhrase ?? "no details"}");
    }

    /// <summary>Reads the code and message from an XML (queue) or JSON (table) error body.</summary>
    internal static (string? Code, string? Message) ParseError(string body)
    {
        var trimmed = body.TrimStart();
        try
        {
            if (trimmed.StartsWith('<'))
            {
                var root = XDocument.Parse(trimmed).Root;
                var message = root?.Element("Message")?.Value;
                // Keep the first line: the rest is RequestId/Time noise.
                return (root?.Element("Code")?.Value, message?.Split('\n')[0].Trim());
            }
            if (trimmed.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(trimmed);
                if (doc.RootElement.TryGetProperty("odata.error", out var error))
                {
                    var code = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    string? message = null;
                    if (error.TryGetProperty("message", out var m))
                        message = m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out var v) ? v.GetString() : m.ToString();
                    return (code, message?.Split('\n')[0].Trim());
                }
            }
        }
        catch (Exception e) when (e is System.Xml.XmlException or JsonException)
        {
            // Not a storage error body (a proxy page, say): fall back to the status code.
        }
        return (null, null);
    }
}

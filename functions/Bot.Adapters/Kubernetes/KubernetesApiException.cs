using System.Text.Json.Nodes;

namespace Bot.Adapters.Kubernetes;

/// <summary>A Kubernetes API call failed. Built from the server's <c>Status</c> body when it sent one.</summary>
public sealed class KubernetesApiException(int code, string reason, string message, IReadOnlyList<KubernetesStatusCause> causes, string serverMessage)
    : Exception(message), Bot.Core.Ports.ITransientFailure
{
    /// <summary>HTTP status code (the Status body's <c>code</c>).</summary>
    public int Code { get; } = code;

    /// <summary>Status <c>reason</c>: NotFound, Conflict, Invalid, Forbidden, Unauthorized, TooManyRequests, … or the HTTP reason when there was no Status body.</summary>
    public string Reason { get; } = reason;

    public IReadOnlyList<KubernetesStatusCause> Causes { get; } = causes;

    /// <summary>The Status <c>message</c> exactly as the server sent it.</summary>
    public string ServerMessage { get; } = serverMessage;

    public bool IsNotFound => Code == 404;
    public bool IsConflict => Code == 409;
    public bool IsForbidden => Code == 403;

    /// <summary>The API server's trouble, not the bot's request: 5xx, 429 (after the client's own retries), or a conflict /
    /// failed patch test the router gave up on because the object kept changing. A rollout waits and retries on these; it
    /// never rolls back for them. 401, 403, 404 and validation errors (422 with field causes) need a human.</summary>
    public bool IsTransient => Code >= 500 || Code == 429 || IsConflict || IsPatchTestFailure;

    /// <summary>A JSON patch that could not be applied (for example its resourceVersion <c>test</c> failed): the object changed under us.
    /// Field validation failures are also 422 but carry field causes and are not retryable.</summary>
    public bool IsPatchTestFailure => Code == 422 && Causes.Count > 0 && Causes.All(c => c.Reason == "UnexpectedServerResponse");

    /// <summary>Builds the exception for a failed call: <paramref name="verb"/> (get, patch, …) on <paramref name="what"/>
    /// (e.g. <c>virtualservices.networking.istio.io shop/reviews</c>) in cluster context <paramref name="context"/>.</summary>
    public static KubernetesApiException From(int httpCode, string? body, string verb, string resource, string ns, string? name, string context)
    {
        string reason = ((System.Net.HttpStatusCode)httpCode).ToString();
        string serverMessage = body ?? "";
        var causes = new List<KubernetesStatusCause>();
        int code = httpCode;
        try
        {
            if (body is { Length: > 0 } && JsonNode.Parse(body) is JsonObject o && (string?)o["kind"] == "Status")
            {
                reason = (string?)o["reason"] is { Length: > 0 } r ? r : reason;
                serverMessage = (string?)o["message"] ?? "";
                code = o["code"] is JsonValue c && c.TryGetValue<int>(out var ci) ? ci : httpCode;
                if (o["details"]?["causes"] is JsonArray arr)
                    foreach (var item in arr)
                        causes.Add(new((string?)item?["reason"], (string?)item?["message"], (string?)item?["field"]));
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON (a proxy's HTML page, say): keep the raw text as the message.
        }

        string target = name is null ? $"{resource} in namespace {ns}" : $"{resource} {ns}/{name}";
        string text = code switch
        {
            403 => $"Forbidden: the bot's role lacks verb '{verb}' on resource '{resource}' in namespace '{ns}' (context {context}); grant it in the Role. Server: {serverMessage}",
            401 => $"Unauthorized: the API server of context {context} rejected the bot's credentials ({verb} {target}). Server: {serverMessage}",
            404 => $"{target} not found (context {context}). Server: {serverMessage}",
            _ => $"{verb} {target} failed with {code} {reason} (context {context}): {serverMessage}"
                 + (causes.Count > 0 ? " [" + string.Join("; ", causes) + "]" : ""),
        };
        return new KubernetesApiException(code, reason, text, causes, serverMessage);
    }
}

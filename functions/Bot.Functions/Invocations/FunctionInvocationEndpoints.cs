using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Functions.Hosting;

namespace Bot.Functions.Invocations;

/// <summary>Functions mode: the host posts queue and timer invocations to <c>/{FunctionName}</c>.</summary>
public static class FunctionInvocationEndpoints
{
    public static IEndpointRouteBuilder MapFunctionInvocations(this IEndpointRouteBuilder app)
    {
        // The host's readiness probe: any HTTP answer means ready.
        app.MapGet("/", (HostEnvironment env) => TypedResults.Text($"release-bot {env.Version} ({env.Mode})"));
        app.MapPost("/{functionName:regex(^[A-Za-z][A-Za-z0-9_-]*$)}", InvokeAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> InvokeAsync(
        string functionName, HttpRequest request, FunctionHandlers handlers, ILoggerFactory loggers, CancellationToken ct)
    {
        var log = loggers.CreateLogger("Bot.Functions.Invocations");
        if (handlers.Find(functionName) is not { } handler)
            return Error(StatusCodes.Status404NotFound, $"no handler for function '{functionName}'");

        FunctionInvocation invocation;
        try
        {
            invocation = FunctionInvocation.Parse(handler.FunctionName, await JsonNode.ParseAsync(request.Body, cancellationToken: ct));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return Error(StatusCodes.Status400BadRequest, $"{functionName}: malformed invocation: {ex.Message}");
        }

        try
        {
            var result = await handler.InvokeAsync(invocation, ct);
            return TypedResults.Json(new JsonObject
            {
                ["Outputs"] = new JsonObject(result.Outputs.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))),
                ["Logs"] = new JsonArray([.. result.Logs.Select(l => (JsonNode?)JsonValue.Create(l))]),
                ["ReturnValue"] = result.ReturnValue?.DeepClone(),
            });
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Non-2xx: the host counts a failed attempt, retries and finally poisons the message.
            log.LogError(ex, "{Function} invocation {InvocationId} failed", functionName, request.Headers["X-Azure-Functions-InvocationId"].ToString());
            return Error(StatusCodes.Status500InternalServerError, $"{functionName} failed: {ex.Message}");
        }
    }

    private static IResult Error(int status, string message) =>
        TypedResults.Json(new JsonObject { ["Outputs"] = new JsonObject(), ["Logs"] = new JsonArray(message), ["ReturnValue"] = null }, statusCode: status);
}

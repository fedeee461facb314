using System.Text.Json.Nodes;

namespace Bot.Functions.Invocations;

/// <summary>What a handler answers: the host's <c>Outputs</c>/<c>Logs</c>/<c>ReturnValue</c>. Failure is an
/// exception, which becomes a non-2xx answer so the host retries and, for queues, poisons.</summary>
public sealed record FunctionResult
{
    public Dictionary<string, JsonNode?> Outputs { get; init; } = [];
    public List<string> Logs { get; init; } = [];
    public JsonNode? ReturnValue { get; init; }

    public static FunctionResult Done(params string[] logs) => new() { Logs = [.. logs] };
}

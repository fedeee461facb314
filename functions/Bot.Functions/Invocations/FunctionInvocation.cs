using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Functions.Invocations;

/// <summary>A queue or timer invocation: the host's <c>{"Data":{…},"Metadata":{…}}</c> envelope, or the same
/// shape built by the standalone listener, so handlers cannot tell the hosts apart.</summary>
public sealed record FunctionInvocation(string FunctionName, JsonObject Data, JsonObject Metadata)
{
    /// <summary>The text of a string binding. The Functions host JSON-serialises plain strings, so queue text can
    /// arrive wrapped in one extra pair of quotes: a value that parses as a JSON string is unwrapped once.</summary>
    public string? TextOf(string binding)
    {
        var node = Data[binding];
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            if (s.Length >= 2 && s[0] == '"' && s[^1] == '"')
            {
                try
                {
                    if (JsonSerializer.Deserialize<string>(s) is { } inner) return inner;
                }
                catch (JsonException) { }
            }
            return s;
        }
        // An object or array (the host parsed JSON text): hand back its JSON.
        return node.ToJsonString();
    }

    /// <summary>A metadata value as text (<c>DequeueCount</c>, <c>Id</c>, ...), whatever JSON type it came as.</summary>
    public string? MetadataText(string key) =>
        Metadata.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var n => n.ToJsonString(),
        };

    public static FunctionInvocation Parse(string functionName, JsonNode? body)
    {
        if (body is not JsonObject o) throw new FormatException("the invocation body is not a JSON object");
        JsonObject Get(string name) =>
            o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value switch
            {
                null => [],
                JsonObject x => (JsonObject)x.DeepClone(),
                _ => throw new FormatException($"'{name}' is not a JSON object"),
            };
        return new FunctionInvocation(functionName, Get("Data"), Get("Metadata"));
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Functions.Invocations;

/// <summary>
/// An HTTP request as the host sends it when it does not forward raw (<c>Data.req</c>). Our HTTP functions are all
/// forwarded raw, but a function that gains another binding falls back to this shape. <c>Query</c> is an object on
/// current hosts and a serialised string on older ones (azure-functions-host#6606): both are accepted.
/// </summary>
public sealed record HttpTriggerRequest(
    string Url, string Method, IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string[]> Headers, IReadOnlyDictionary<string, string> Params, string? Body)
{
    public static HttpTriggerRequest Parse(JsonNode? req)
    {
        if (req is not JsonObject o) throw new FormatException("Data.req is not a JSON object");
        JsonNode? Get(string name) => o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

        var query = Get("Query") switch
        {
            null => new JsonObject(),
            JsonObject q => q,
            JsonValue s when s.TryGetValue<string>(out var text) => string.IsNullOrWhiteSpace(text) ? new JsonObject()
                : JsonNode.Parse(text) as JsonObject ?? throw new FormatException("Data.req.Query string is not a JSON object"),
            _ => throw new FormatException("Data.req.Query is neither an object nor a string"),
        };
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        if (Get("Headers") is JsonObject h)
        {
            foreach (var (name, value) in h)
            {
                headers[name] = value switch
                {
                    JsonArray a => [.. a.Select(x => x?.ToString() ?? "")],
                    null => [],
                    _ => [value.ToString()],
                };
            }
        }
        return new HttpTriggerRequest(
            (string?)Get("Url") ?? "", (string?)Get("Method") ?? "GET",
            Flatten(query), headers, Flatten(Get("Params") as JsonObject ?? []),
            Get("Body") switch { null => null, JsonValue v when v.TryGetValue<string>(out var b) => b, var n => n.ToJsonString() });
    }

    private static Dictionary<string, string> Flatten(JsonObject o) =>
        o.ToDictionary(p => p.Key, p => p.Value switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var n => n.ToJsonString(),
        }, StringComparer.OrdinalIgnoreCase);
}

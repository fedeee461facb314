using System.Text.Json.Nodes;

namespace Bot.Adapters.Kubernetes;

/// <summary>The smallest RFC 6902 operations turning one JSON value into another: objects key by key, equal-length arrays index
/// by index; an array whose length changed is replaced whole (indexes would shift). Safe for the bot's writes because each patch
/// also carries a resourceVersion <c>test</c>: if anything moved since the read, the whole patch fails.</summary>
public static class JsonPatchDiff
{
    public static void Diff(JsonNode? before, JsonNode? after, string path, JsonArray ops)
    {
        if (JsonNode.DeepEquals(before, after)) return;
        if (before is JsonObject a && after is JsonObject b)
        {
            foreach (var (key, _) in a)
                if (!b.ContainsKey(key)) ops.Add(Op("remove", $"{path}/{Escape(key)}"));
            foreach (var (key, value) in b)
            {
                if (a.TryGetPropertyValue(key, out var old)) Diff(old, value, $"{path}/{Escape(key)}", ops);
                else ops.Add(Op("add", $"{path}/{Escape(key)}", value));
            }
            return;
        }
        if (before is JsonArray x && after is JsonArray y && x.Count == y.Count)
        {
            for (int i = 0; i < y.Count; i++) Diff(x[i], y[i], $"{path}/{i}", ops);
            return;
        }
        ops.Add(Op("replace", path, after));
    }

    public static string Escape(string key) => key.Replace("~", "~0").Replace("/", "~1");

    private static JsonObject Op(string op, string path, JsonNode? value = null)
    {
        var o = new JsonObject { ["op"] = op, ["path"] = path };
        if (op != "remove") o["value"] = value?.DeepClone();
        return o;
    }
}

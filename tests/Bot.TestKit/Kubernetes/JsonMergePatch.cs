using System.Text.Json.Nodes;

namespace Bot.TestKit.Kubernetes;

/// <summary>RFC 7386 merge patch: objects merge key by key, null deletes, anything else (lists included) replaces.</summary>
public static class JsonMergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : [];
        foreach (var (key, value) in p)
        {
            if (value is null) result.Remove(key);
            else result[key] = Apply(result.TryGetPropertyValue(key, out var existing) ? existing : null, value);
        }
        return result;
    }
}

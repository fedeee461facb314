using System.Globalization;
using System.Text.Json.Nodes;

namespace Bot.TestKit.Kubernetes;

/// <summary>RFC 6902 JSON patch applied to a JSON node (RFC 6901 pointers), all-or-nothing.</summary>
public static class JsonPatchDocument
{
    public static JsonNode Apply(JsonNode target, JsonArray ops)
    {
        var doc = target.DeepClone();
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op) throw new JsonPatchException("each patch operation must be an object", true);
            var name = (string?)op["op"] ?? throw new JsonPatchException("operation has no 'op'", true);
            var path = (string?)op["path"] ?? throw new JsonPatchException($"'{name}' operation has no 'path'", true);
            switch (name)
            {
                case "add": doc = Add(doc, path, Value(op, name)); break;
                case "remove": doc = Remove(doc, path, out _); break;
                case "replace":
                    doc = Remove(doc, path, out _, "replace");
                    doc = Add(doc, path, Value(op, name));
                    break;
                case "move":
                    var from = (string?)op["from"] ?? throw new JsonPatchException("'move' operation has no 'from'", true);
                    doc = Remove(doc, from, out var moved, "move");
                    doc = Add(doc, path, moved);
                    break;
                case "copy":
                    var src = (string?)op["from"] ?? throw new JsonPatchException("'copy' operation has no 'from'", true);
                    doc = Add(doc, path, Get(doc, src, "copy")?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(doc, path, "test"), op["value"]))
                        throw new JsonPatchException($"testing value {path} failed: test failed");
                    break;
                default: throw new JsonPatchException($"Unexpected kind: {name}", true);
            }
        }
        return doc;
    }

    private static JsonNode? Value(JsonObject op, string name) =>
        op.TryGetPropertyValue("value", out var v) ? v?.DeepClone() : throw new JsonPatchException($"'{name}' operation has no 'value'", true);

    private static List<string> Parse(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw new JsonPatchException($"invalid JSON pointer '{pointer}'", true);
        return pointer[1..].Split('/').Select(s => s.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    private static JsonNode? Get(JsonNode doc, string pointer, string op)
    {
        JsonNode? cur = doc;
        foreach (var token in Parse(pointer))
        {
            cur = cur switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var v) => v,
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => throw new JsonPatchException($"{op} operation does not apply: doc is missing path: \"{pointer}\""),
            };
        }
        return cur;
    }

    private static JsonNode Add(JsonNode doc, string pointer, JsonNode? value)
    {
        var tokens = Parse(pointer);
        if (tokens.Count == 0) return value ?? throw new JsonPatchException("cannot replace the document with null");
        var parent = Get(doc, ParentPointer(tokens), "add");
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a:
                int index = last == "-" ? a.Count
                    : int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count ? i
                    : throw new JsonPatchException($"add operation does not apply: index {last} out of bounds at \"{pointer}\"");
                a.Insert(index, value);
                break;
            default: throw new JsonPatchException($"add operation does not apply: doc is missing path: \"{pointer}\"");
        }
        return doc;
    }

    private static JsonNode Remove(JsonNode doc, string pointer, out JsonNode? removed, string op = "remove")
    {
        var tokens = Parse(pointer);
        if (tokens.Count == 0) throw new JsonPatchException($"{op} operation cannot remove the whole document");
        var parent = Get(doc, ParentPointer(tokens), op);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed):
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                removed = a[i];
                a.RemoveAt(i);
                break;
            default: throw new JsonPatchException($"{op} operation does not apply: doc is missing path: \"{pointer}\"");
        }
        return doc;
    }

    private static string ParentPointer(List<string> tokens) =>
        tokens.Count == 1 ? "" : "/" + string.Join('/', tokens.SkipLast(1).Select(Escape));

    private static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Infrastructure;

namespace Bot.TestKit.GitHub;

/// <summary>One operation of GitHub's official OpenAPI subset (shared/fixtures/github/rest).</summary>
public sealed record GitHubOperation(string Method, string PathTemplate, string OperationId, Regex Pattern, JsonObject Spec)
{
    /// <summary>The example body GitHub documents for <paramref name="status"/> (first example), or null.</summary>
    public JsonNode? Example(int status) =>
        Spec["responses"]?[status.ToString()]?["content"]?["application/json"]?["examples"] is JsonObject examples && examples.Count > 0
            ? examples.First().Value?["value"]?.DeepClone()
            : null;
}

/// <summary>Loads <c>github-rest.subset.openapi3.deref.json</c> once: operation lookup by method and path, and
/// request-body validation with NJsonSchema in OpenAPI 3 mode (so <c>nullable</c> is understood).</summary>
public sealed class GitHubContract
{
    private static readonly Lazy<GitHubContract> Shared = new(() => new GitHubContract(RepoPaths.Fixture("github", "rest", "github-rest.subset.openapi3.deref.json")));
    public static GitHubContract Instance => Shared.Value;

    private readonly List<GitHubOperation> _operations = [];
    private readonly ConcurrentDictionary<string, JsonSchema?> _schemas = new();

    public GitHubContract(string path)
    {
        var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        foreach (var (template, ops) in doc["paths"]!.AsObject())
        {
            foreach (var (method, op) in ops!.AsObject())
            {
                if (op is not JsonObject spec || spec["operationId"] is null) continue;
                // {path} in contents is multi-segment (x-multi-segment); other parameters are one segment.
                var regex = "^" + Regex.Replace(Regex.Escape(template).Replace(@"\{", "{"), @"\{([a-z_]+)}",
                    m => m.Groups[1].Value == "path" ? "(?<path>.+)" : $"(?<{m.Groups[1].Value}>[^/]+)") + "$";
                _operations.Add(new GitHubOperation(method.ToUpperInvariant(), template, (string)spec["operationId"]!, new Regex(regex), spec));
            }
        }
    }

    public IReadOnlyList<GitHubOperation> Operations => _operations;

    /// <summary>The operation for a method and an API path (e.g. <c>/repos/o/r/check-runs</c>), with its path parameters.</summary>
    public (GitHubOperation Operation, IReadOnlyDictionary<string, string> Args)? Find(string method, string path)
    {
        foreach (var op in _operations)
        {
            if (!string.Equals(op.Method, method, StringComparison.OrdinalIgnoreCase)) continue;
            var m = op.Pattern.Match(path);
            if (!m.Success) continue;
            var args = op.Pattern.GetGroupNames().Where(g => !int.TryParse(g, out _))
                .ToDictionary(g => g, g => Uri.UnescapeDataString(m.Groups[g].Value));
            return (op, args);
        }
        return null;
    }

    /// <summary>Validates a JSON body against the operation's <c>requestBody</c> schema. Returns the errors (empty = valid).</summary>
    public IReadOnlyList<string> ValidateBody(GitHubOperation op, string? body)
    {
        var requestBody = op.Spec["requestBody"];
        if (requestBody is null)
            return string.IsNullOrEmpty(body) ? [] : [$"{op.OperationId} takes no request body"];
        if (string.IsNullOrEmpty(body))
            return requestBody["required"]?.GetValue<bool>() == true ? [$"{op.OperationId} requires a JSON body"] : [];
        var schema = _schemas.GetOrAdd(op.OperationId, _ =>
        {
            var json = requestBody["content"]?["application/json"]?["schema"]?.ToJsonString();
            return json is null ? null : JsonSchemaSerialization.FromJsonAsync<JsonSchema>(json, SchemaType.OpenApi3, null,
                s => new JsonReferenceResolver(new JsonSchemaAppender(s, new DefaultTypeNameGenerator())),
                JsonSchema.CreateJsonSerializerContractResolver(SchemaType.OpenApi3), CancellationToken.None).GetAwaiter().GetResult();
        });
        if (schema is null) return [];
        try
        {
            return schema.Validate(body, SchemaType.OpenApi3).Select(e => e.ToString()).ToList();
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            return [$"body is not JSON: {e.Message}"];
        }
    }
}

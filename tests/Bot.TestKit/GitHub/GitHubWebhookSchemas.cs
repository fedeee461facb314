using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using NJsonSchema;
using NJsonSchema.Infrastructure;

namespace Bot.TestKit.GitHub;

/// <summary>
/// GitHub's webhook payload schemas (<c>shared/fixtures/github/webhook-schemas.subset.openapi3.deref.json</c>, the
/// <c>x-webhooks</c> of the official REST description), for events that have no example payload: tests build their
/// payloads here and <see cref="Validate"/> them against the schema, so a payload the bot is tested with is one GitHub
/// could send.
/// </summary>
public static class GitHubWebhookSchemas
{
    private static readonly Lazy<JsonObject> Document = new(() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "webhook-schemas.subset.openapi3.deref.json")))!.AsObject());
    private static readonly ConcurrentDictionary<string, JsonSchema> Schemas = new();

    /// <summary>Validation errors of <paramref name="payload"/> against the schema of <paramref name="webhook"/> (an
    /// <c>x-webhooks</c> key such as <c>deployment-protection-rule-requested</c>); empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(string webhook, string payload)
    {
        var schema = Schemas.GetOrAdd(webhook, key =>
        {
            var json = Document.Value["x-webhooks"]?[key]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]?.ToJsonString()
                       ?? throw new ArgumentException($"no webhook '{key}' in the schema subset");
            return JsonSchemaSerialization.FromJsonAsync<JsonSchema>(json, SchemaType.OpenApi3, null,
                s => new JsonReferenceResolver(new JsonSchemaAppender(s, new DefaultTypeNameGenerator())),
                JsonSchema.CreateJsonSerializerContractResolver(SchemaType.OpenApi3), CancellationToken.None).GetAwaiter().GetResult();
        });
        return schema.Validate(payload, SchemaType.OpenApi3).Select(e => e.ToString()).ToList();
    }

    /// <summary>A <c>deployment_protection_rule</c> <c>requested</c> payload for a job of run <paramref name="runId"/> waiting
    /// at <paramref name="environment"/> on <paramref name="sha"/>, built from the schema (repository, deployment and sender
    /// taken from GitHub's own <c>deployment.created</c> example, moved to <paramref name="repo"/>). Throws when it does not
    /// validate against the schema.</summary>
    public static string DeploymentProtectionRuleRequested(RepoRef repo, long runId, string environment, string sha,
        string gitRef = "refs/heads/main", long installationId = 99, string apiBase = "https://api.github.com")
    {
        var example = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "webhooks", "deployment.created.0.json")))!.AsObject();
        var repository = example["repository"]!.DeepClone().AsObject();
        repository["full_name"] = repo.FullName;
        repository["name"] = repo.Name;
        repository["owner"]!["login"] = repo.Owner;
        var deployment = example["deployment"]!.DeepClone().AsObject();
        deployment["sha"] = sha;
        deployment["ref"] = gitRef.StartsWith("refs/heads/", StringComparison.Ordinal) ? gitRef["refs/heads/".Length..] : gitRef;
        deployment["environment"] = environment;
        deployment["url"] = $"{apiBase}/repos/{repo.FullName}/deployments/{deployment["id"]}";
        var payload = new JsonObject
        {
            ["action"] = "requested",
            ["environment"] = environment,
            ["event"] = "push",
            ["sha"] = sha,
            ["ref"] = gitRef,
            ["deployment_callback_url"] = $"{apiBase}/repos/{repo.FullName}/actions/runs/{runId}/deployment_protection_rule",
            ["deployment"] = deployment,
            ["pull_requests"] = new JsonArray(),
            ["repository"] = repository,
            ["installation"] = new JsonObject { ["id"] = installationId, ["node_id"] = "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uOTk=" },
            ["sender"] = example["sender"]!.DeepClone(),
        };
        var text = payload.ToJsonString();
        var errors = Validate("deployment-protection-rule-requested", text);
        if (errors.Count > 0) throw new InvalidOperationException("the built deployment_protection_rule payload does not match GitHub's schema: " + string.Join("; ", errors));
        return text;
    }
}

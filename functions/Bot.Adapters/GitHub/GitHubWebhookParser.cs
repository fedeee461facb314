using System.Text.Json;

namespace Bot.Adapters.GitHub;

/// <summary>Turns a verified delivery (event name, delivery id, raw body) into a typed <see cref="GitHubWebhookEvent"/>.</summary>
public static partial class GitHubWebhookParser
{
    /// <summary>Events the bot receives (the app subscribes to some of them for completeness, others arrive on repository
    /// hooks) but does not act on. Anything else is also ignored, as an unknown event.</summary>
    public static readonly IReadOnlySet<string> IgnoredOnPurpose = new HashSet<string>(StringComparer.Ordinal)
    {
        "check_suite", "deployment", "deployment_status", "pull_request", "status", "workflow_job",
        "installation", "installation_repositories", "pull_request_review", "create", "delete",
    };

    /// <summary>Events that become <see cref="PingEvent"/>, <see cref="PushEvent"/> and friends.</summary>
    public static readonly IReadOnlySet<string> Handled = new HashSet<string>(StringComparer.Ordinal)
    {
        "ping", "push", "workflow_run", "check_run", "issue_comment", "deployment_protection_rule",
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"/repos/[^/]+/[^/]+/actions/runs/(\d+)/deployment_protection_rule/?$")]
    private static partial System.Text.RegularExpressions.Regex CallbackRun();

    /// <exception cref="WebhookPayloadException">The body is not JSON, not an object, or lacks a field the event needs.</exception>
    public static GitHubWebhookEvent Parse(string eventName, string deliveryId, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(eventName)) throw new WebhookPayloadException("missing X-GitHub-Event header");
        if (string.IsNullOrWhiteSpace(deliveryId)) throw new WebhookPayloadException("missing X-GitHub-Delivery header");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            throw new WebhookPayloadException($"{eventName} payload is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new WebhookPayloadException($"{eventName} payload must be a JSON object, got {root.ValueKind}");
            var p = new Reader(eventName, root);
            GitHubWebhookEvent parsed = eventName switch
            {
                "ping" => new PingEvent(p.OptString("zen"), p.OptLong("hook_id")),
                "push" => new PushEvent(p.Repo(), p.Str("ref"), p.Str("after"), p.OptBool("deleted") ?? false,
                    p.OptString("head_commit", "message"), p.OptUser("sender"),
                    p.OptString("pusher", "name") ?? p.OptString("sender", "login") ?? "unknown"),
                "workflow_run" => new WorkflowRunEvent(p.Repo(), p.Long("workflow_run", "id"),
                    p.OptString("workflow", "name") ?? p.Str("workflow_run", "name"),
                    p.OptString("workflow", "path") ?? p.OptString("workflow_run", "path"),
                    p.Str("workflow_run", "head_sha"), p.OptString("workflow_run", "head_branch"),
                    p.OptString("workflow_run", "status"), p.OptString("workflow_run", "conclusion"),
                    p.OptString("workflow_run", "html_url"), p.User("sender")),
                "check_run" => new CheckRunEvent(p.Repo(), p.Long("check_run", "id"), p.Str("check_run", "name"),
                    p.Str("check_run", "head_sha"), p.OptString("check_run", "external_id"),
                    p.OptString("requested_action", "identifier"), p.User("sender")),
                "issue_comment" => new IssueCommentEvent(p.Repo(), (int)p.Long("issue", "number"),
                    p.Has("issue", "pull_request"), p.Long("comment", "id"), p.OptString("comment", "body") ?? "",
                    p.User("comment", "user"), p.OptString("comment", "html_url")),
                "deployment_protection_rule" => ProtectionRule(p),
                _ when IgnoredOnPurpose.Contains(eventName) => new IgnoredEvent($"{eventName} events are not used by the bot"),
                _ => new IgnoredEvent($"unknown event '{eventName}'"),
            };
            if (eventName == "check_run" && p.OptString("action") == "requested_action" && parsed is CheckRunEvent { Identifier: null })
                throw new WebhookPayloadException("check_run requested_action payload: 'requested_action.identifier' is missing or not a string");
            return parsed with { Event = eventName, DeliveryId = deliveryId, Action = p.OptString("action"), InstallationId = p.OptLong("installation", "id") };
        }
    }

    private static DeploymentProtectionRuleEvent ProtectionRule(Reader p)
    {
        var callback = p.Str("deployment_callback_url");
        var run = CallbackRun().Match(Uri.TryCreate(callback, UriKind.Absolute, out var url) ? url.AbsolutePath : "");
        if (!run.Success || !long.TryParse(run.Groups[1].Value, out var runId))
            throw new WebhookPayloadException($"deployment_protection_rule payload: 'deployment_callback_url' ({callback}) is not …/repos/{{owner}}/{{repo}}/actions/runs/{{run_id}}/deployment_protection_rule");
        var sha = p.OptString("sha") ?? p.Str("deployment", "sha");
        return new DeploymentProtectionRuleEvent(p.Repo(), p.Str("environment"), p.OptString("event"), callback, runId, sha,
            p.OptString("ref") ?? p.OptString("deployment", "ref"), p.OptUser("sender"));
    }

    /// <summary>Reads required and optional fields, naming the missing one in the error.</summary>
    private readonly struct Reader(string eventName, JsonElement root)
    {
        private bool TryGet(out JsonElement value, string[] path)
        {
            value = root;
            foreach (var name in path)
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value)) return false;
            }
            return value.ValueKind != JsonValueKind.Null;
        }

        private WebhookPayloadException Missing(string[] path, string type) =>
            new($"{eventName} payload: '{string.Join('.', path)}' is missing or not {type}");

        public bool Has(params string[] path) => TryGet(out _, path);

        public string Str(params string[] path) =>
            TryGet(out var v, path) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Missing(path, "a string");

        public string? OptString(params string[] path) =>
            !TryGet(out var v, path) ? null : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Missing(path, "a string");

        public long Long(params string[] path) =>
            TryGet(out var v, path) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw Missing(path, "an integer");

        public long? OptLong(params string[] path) =>
            !TryGet(out var v, path) ? null : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw Missing(path, "an integer");

        public bool? OptBool(params string[] path) =>
            !TryGet(out var v, path) ? null : v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw Missing(path, "a boolean");

        public RepoRef Repo() => RepoRef.TryParse(Str("repository", "full_name"), out var r)
            ? r : throw new WebhookPayloadException($"{eventName} payload: 'repository.full_name' is not owner/name");

        public GitHubUser User(params string[] path) => new(Str([.. path, "login"]), Long([.. path, "id"]));

        public GitHubUser? OptUser(params string[] path) => Has(path) ? User(path) : null;
    }
}

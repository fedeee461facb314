using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;

namespace Bot.TestKit.GitHub;

/// <summary>A request the double received, with the contract verdict.</summary>
public sealed record GitHubRecordedRequest(string Method, string Path, string? Query, string? OperationId, string? Body, HttpRequestHeaders Headers, int Status)
{
    public JsonNode? Json => Body is null ? null : JsonNode.Parse(Body);
}

/// <summary>
/// An in-process GitHub REST API (github.com or GHES under a base path) for tests. Every request is checked against
/// GitHub's official OpenAPI (<see cref="GitHubContract"/>): the operation must exist, the required headers must be
/// there, a body must be labelled application/json (a violation only: GitHub parses it anyway), and the body must validate against the operation's request schema. Answers are shaped from the spec's own
/// examples with GitHub's status codes and error bodies (401, 403, 404, 422; 202 for deployments when told; rate
/// limits when told; deployment protection rule reviews answer 204, or 422 when the run is not waiting on this app's rule
/// for that environment). Contract breaches are also listed in <see cref="Violations"/>, which tests assert empty.
/// </summary>
public sealed class GitHubDouble : HttpMessageHandler
{
    private const string Docs = "https://docs.github.com/rest";
    private readonly GitHubContract _contract = GitHubContract.Instance;
    private readonly TimeProvider _time;
    private readonly string _basePath;
    private readonly object _gate = new();
    private long _nextId = 1000;
    private int _remaining = 5000;

    public GitHubDouble(TimeProvider time, string baseUrl = "https://api.github.com/")
    {
        _time = time;
        BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        _basePath = BaseAddress.AbsolutePath.TrimEnd('/');
    }

    public Uri BaseAddress { get; }

    /// <summary>An HttpClient whose requests this double answers.</summary>
    public HttpClient CreateClient() => new(this, disposeHandler: false);

    // ---- what the double knows -----------------------------------------------------------------------------

    /// <summary>The app's public key: JWTs are verified with it (RS256, iat/exp window, iss). Null accepts no JWT.</summary>
    public RSA? AppKey { get; set; }
    public string? AppIssuer { get; set; }
    /// <summary>Personal tokens accepted on repository calls (they cannot create check runs, as on GitHub).</summary>
    public HashSet<string> PersonalTokens { get; } = [];
    /// <summary>Installation id by repository.</summary>
    public ConcurrentDictionary<RepoRef, long> Installations { get; } = new();
    /// <summary>Issued installation tokens: token → (installation, expiry).</summary>
    public ConcurrentDictionary<string, (long Installation, DateTimeOffset ExpiresAt)> IssuedTokens { get; } = new();
    /// <summary>Collaborator permission by (repo, login): admin, maintain, write, triage, read. Missing = none.</summary>
    public ConcurrentDictionary<(RepoRef, string), string> Permissions { get; } = new();
    /// <summary>Team members: (org, team, login) → role (member or maintainer).</summary>
    public ConcurrentDictionary<(string, string, string), string> TeamMembers { get; } = new();
    /// <summary>Files by (repo, ref, path).</summary>
    public ConcurrentDictionary<(RepoRef, string, string), string> Files { get; } = new();
    public ConcurrentDictionary<(RepoRef, int), (string HeadRef, string HeadSha)> Pulls { get; } = new();
    /// <summary>Check runs as GitHub holds them (the latest state).</summary>
    public ConcurrentDictionary<long, JsonObject> CheckRuns { get; } = new();
    public ConcurrentDictionary<long, JsonObject> Deployments { get; } = new();
    public ConcurrentQueue<(long DeploymentId, JsonObject Status)> DeploymentStatuses { get; } = new();
    public ConcurrentQueue<(RepoRef Repo, int Issue, string Body)> Comments { get; } = new();
    public ConcurrentQueue<(long CommentId, string Content)> Reactions { get; } = new();
    /// <summary>Jobs waiting on this app's custom deployment protection rule: (repository, run id) → the environments still
    /// waiting. GitHub sends <c>deployment_protection_rule</c> when it adds one (<see cref="WaitOnProtectionRule"/>).</summary>
    public ConcurrentDictionary<(RepoRef, long), HashSet<string>> WaitingProtectionRules { get; } = new();
    /// <summary>Reviews GitHub accepted (204), in order: status reports (<c>State</c> null) and answers (approved, rejected).</summary>
    public ConcurrentQueue<(RepoRef Repo, long RunId, string Environment, string? State, string Comment)> ProtectionReviews { get; } = new();
    /// <summary>GitHub shows at most this many status reports per deployment.</summary>
    public const int MaxProtectionReports = 10;
    public ConcurrentQueue<GitHubRecordedRequest> Requests { get; } = new();
    public ConcurrentQueue<string> Violations { get; } = new();

    /// <summary>The next N deployment creations answer 202 (GitHub merged the default branch into the ref).</summary>
    public int DeploymentsAnswerMerged { get; set; }

    /// <summary>The next <paramref name="count"/> requests answer a rate limit: primary (403, remaining 0, reset) or
    /// secondary (403 or 429, "secondary rate limit", with <c>retry-after</c> when given).</summary>
    public void RateLimitNext(int count, bool secondary, TimeSpan? retryAfter = null, HttpStatusCode status = HttpStatusCode.Forbidden, TimeSpan? resetIn = null)
    {
        lock (_gate) _rateLimits = (count, secondary, retryAfter, status, resetIn ?? TimeSpan.FromMinutes(1));
    }
    private (int Count, bool Secondary, TimeSpan? RetryAfter, HttpStatusCode Status, TimeSpan ResetIn) _rateLimits;

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operationId"/> (e.g. <c>issues/create-comment</c>)
    /// answer <paramref name="status"/> with GitHub's error body and change nothing, each after running
    /// <paramref name="meanwhile"/> (something that happens while the call is on its way).</summary>
    public void FailNext(string operationId, HttpStatusCode status = HttpStatusCode.BadGateway, int times = 1, Func<Task>? meanwhile = null)
    {
        var q = _failures.GetOrAdd(operationId, _ => new ConcurrentQueue<(HttpStatusCode, Func<Task>?)>());
        for (var i = 0; i < times; i++) q.Enqueue((status, meanwhile));
    }
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(HttpStatusCode Status, Func<Task>? Meanwhile)>> _failures = new();

    /// <summary>A job of <paramref name="runId"/> now waits at <paramref name="environment"/> on this app's rule.</summary>
    public void WaitOnProtectionRule(RepoRef repo, long runId, string environment)
    {
        lock (_gate) WaitingProtectionRules.GetOrAdd((repo, runId), _ => new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(environment);
    }

    public void AddInstallation(long installationId, params RepoRef[] repos)
    {
        foreach (var r in repos) Installations[r] = installationId;
    }

    public IEnumerable<GitHubRecordedRequest> RequestsTo(string operationId) => Requests.Where(r => r.OperationId == operationId);

    // ---- the HTTP side ---------------------------------------------------------------------------------------

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
        var uri = request.RequestUri!;
        var path = uri.AbsolutePath;
        string? opId = null;
        HttpResponseMessage response;
        if (!uri.GetLeftPart(UriPartial.Authority).Equals(BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            || !path.StartsWith(_basePath + "/", StringComparison.Ordinal))
        {
            Violations.Enqueue($"{request.Method} {uri}: outside the API base {BaseAddress}");
            response = Error(HttpStatusCode.NotFound, "Not Found");
        }
        else
        {
            var apiPath = path[_basePath.Length..];
            var found = _contract.Find(request.Method.Method, apiPath);
            if (found is null)
            {
                Violations.Enqueue($"{request.Method} {apiPath}: no such operation in GitHub's OpenAPI subset");
                response = Error(HttpStatusCode.NotFound, "Not Found");
            }
            else
            {
                opId = found.Value.Operation.OperationId;
                if (_failures.TryGetValue(opId, out var failures) && failures.TryDequeue(out var failure))
                {
                    if (failure.Meanwhile is not null) await failure.Meanwhile();
                    response = Error(failure.Status, "Server Error");
                }
                else response = Answer(request, found.Value.Operation, found.Value.Args, ParseQuery(uri.Query), body);
            }
        }
        AddRateHeaders(response);
        Requests.Enqueue(new GitHubRecordedRequest(request.Method.Method, path, uri.Query, opId, body, request.Headers, (int)response.StatusCode));
        return response;
    }

    private HttpResponseMessage Answer(HttpRequestMessage request, GitHubOperation op, IReadOnlyDictionary<string, string> args, Dictionary<string, string> query, string? body)
    {
        // Headers GitHub requires (protocols.md §5.2).
        if (request.Headers.UserAgent.Count == 0)
        {
            Violations.Enqueue($"{op.OperationId}: no User-Agent");
            return Error(HttpStatusCode.Forbidden, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
        }
        if (!request.Headers.Accept.Any(a => a.MediaType == "application/vnd.github+json"))
            Violations.Enqueue($"{op.OperationId}: Accept is not application/vnd.github+json");
        if (!request.Headers.TryGetValues("X-GitHub-Api-Version", out var versions) || versions.SingleOrDefault() != "2022-11-28")
        {
            Violations.Enqueue($"{op.OperationId}: X-GitHub-Api-Version is not 2022-11-28");
            if (versions is not null) return Error(HttpStatusCode.BadRequest, $"API version '{versions.FirstOrDefault()}' is not supported.");
        }

        lock (_gate)
        {
            if (_rateLimits.Count > 0)
            {
                _rateLimits.Count--;
                return RateLimited();
            }
        }

        // Authentication: app endpoints take the JWT, repository endpoints an installation or personal token.
        var bearer = request.Headers.Authorization is { Scheme: "Bearer" or "token" } a ? a.Parameter : null;
        var appCall = op.OperationId is "apps/create-installation-access-token" or "apps/get-repo-installation";
        if (appCall)
        {
            if (JwtProblem(bearer) is { } problem) return Error(HttpStatusCode.Unauthorized, problem);
        }
        else
        {
            var repoArg = args.TryGetValue("owner", out var o) ? new RepoRef(o, args["repo"]) : null;
            if (bearer is null) return Error(HttpStatusCode.Unauthorized, "Requires authentication");
            var personal = PersonalTokens.Contains(bearer);
            if (!personal)
            {
                if (!IssuedTokens.TryGetValue(bearer, out var issued) || issued.ExpiresAt <= _time.GetUtcNow())
                    return Error(HttpStatusCode.Unauthorized, "Bad credentials");
                if (repoArg is not null && (!Installations.TryGetValue(repoArg, out var inst) || inst != issued.Installation))
                    return Error(HttpStatusCode.NotFound, "Not Found");
            }
            if (personal && op.OperationId.StartsWith("checks/", StringComparison.Ordinal) && request.Method != HttpMethod.Get)
                return Error(HttpStatusCode.Forbidden, "You must authenticate via a GitHub App.");
            // Only a GitHub App reviews its own custom deployment protection rule.
            if (personal && op.OperationId == "actions/review-custom-gates-for-run")
                return Error(HttpStatusCode.Forbidden, "Resource not accessible by personal access token");
        }

        // The OpenAPI declares request bodies as application/json. GitHub itself parses a JSON body under another label (so
        // this is a violation, not a refusal): Octokit labels its JSON bodies application/x-www-form-urlencoded.
        if (!string.IsNullOrEmpty(body) && request.Content?.Headers.ContentType?.MediaType is var type && type != "application/json"
            && op.Spec["requestBody"]?["content"]?["application/json"] is not null)
            Violations.Enqueue($"{op.OperationId}: Content-Type is {type ?? "(none)"}, not application/json");
        var errors = _contract.ValidateBody(op, body);
        if (errors.Count > 0)
        {
            foreach (var e in errors) Violations.Enqueue($"{op.OperationId}: {e}");
            return Error(HttpStatusCode.UnprocessableEntity, "Invalid request.\n\n" + string.Join("\n", errors));
        }
        var json = string.IsNullOrEmpty(body) ? new JsonObject() : JsonNode.Parse(body)!.AsObject();
        var repo = args.TryGetValue("owner", out var owner) ? new RepoRef(owner, args["repo"]) : null;
        lock (_gate) return Handle(op, args, query, json, repo!);
    }

    private HttpResponseMessage Handle(GitHubOperation op, IReadOnlyDictionary<string, string> args, Dictionary<string, string> query, JsonObject body, RepoRef repo)
    {
        var now = _time.GetUtcNow();
        switch (op.OperationId)
        {
            case "apps/get-repo-installation":
                return Installations.TryGetValue(repo, out var inst)
                    ? Json(HttpStatusCode.OK, Shape(op, 200, new() { ["id"] = inst }))
                    : Error(HttpStatusCode.NotFound, "Not Found");
            case "apps/create-installation-access-token":
            {
                var id = long.Parse(args["installation_id"]);
                if (!Installations.Values.Contains(id)) return Error(HttpStatusCode.NotFound, "Not Found");
                var token = "ghs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
                var expires = now.AddHours(1);
                IssuedTokens[token] = (id, expires);
                return Json(HttpStatusCode.Created, Shape(op, 201, new() { ["token"] = token, ["expires_at"] = Iso(expires) }));
            }
            case "checks/create":
            {
                var id = ++_nextId;
                var run = Shape(op, 201, new()
                {
                    ["id"] = id, ["name"] = body["name"]!.DeepClone(), ["head_sha"] = body["head_sha"]!.DeepClone(),
                    ["status"] = body["conclusion"] is not null ? "completed" : (string?)body["status"] ?? "queued",
                    ["conclusion"] = body["conclusion"]?.DeepClone(), ["external_id"] = body["external_id"]?.DeepClone(),
                    ["html_url"] = $"https://github.com/{repo.FullName}/runs/{id}",
                    ["output"] = body["output"]?.DeepClone(), ["actions"] = body["actions"]?.DeepClone(),
                });
                CheckRuns[id] = run;
                return Json(HttpStatusCode.Created, run);
            }
            case "checks/update":
            {
                var id = long.Parse(args["check_run_id"]);
                if (!CheckRuns.TryGetValue(id, out var run)) return Error(HttpStatusCode.NotFound, "Not Found");
                foreach (var (k, v) in body) run[k] = v?.DeepClone();
                if (body["conclusion"] is not null) run["status"] = "completed";
                return Json(HttpStatusCode.OK, run);
            }
            case "checks/get":
                return CheckRuns.TryGetValue(long.Parse(args["check_run_id"]), out var got) ? Json(HttpStatusCode.OK, got) : Error(HttpStatusCode.NotFound, "Not Found");
            case "repos/create-commit-status":
                return Json(HttpStatusCode.Created, Shape(op, 201, new() { ["id"] = ++_nextId, ["state"] = body["state"]!.DeepClone(), ["context"] = (string?)body["context"] ?? "default" }));
            case "issues/create-comment":
            {
                var id = ++_nextId;
                Comments.Enqueue((repo, int.Parse(args["issue_number"]), (string)body["body"]!));
                return Json(HttpStatusCode.Created, Shape(op, 201, new() { ["id"] = id, ["body"] = body["body"]!.DeepClone(), ["html_url"] = $"https://github.com/{repo.FullName}/issues/{args["issue_number"]}#issuecomment-{id}" }));
            }
            case "reactions/create-for-issue-comment":
            {
                var commentId = long.Parse(args["comment_id"]);
                var content = (string)body["content"]!;
                var exists = Reactions.Any(r => r.CommentId == commentId && r.Content == content);
                if (!exists) Reactions.Enqueue((commentId, content));
                return Json(exists ? HttpStatusCode.OK : HttpStatusCode.Created, Shape(op, 201, new() { ["id"] = ++_nextId, ["content"] = content }));
            }
            case "repos/create-deployment":
            {
                if (DeploymentsAnswerMerged > 0)
                {
                    DeploymentsAnswerMerged--;
                    return Json(HttpStatusCode.Accepted, op.Example(202)!);
                }
                var id = ++_nextId;
                var gitRef = (string)body["ref"]!;
                var dep = Shape(op, 201, new()
                {
                    ["id"] = id, ["ref"] = gitRef, ["sha"] = gitRef, ["task"] = (string?)body["task"] ?? "deploy",
                    ["environment"] = (string?)body["environment"] ?? "production", ["description"] = body["description"]?.DeepClone(),
                    ["url"] = $"{BaseAddress}repos/{repo.FullName}/deployments/{id}",
                    ["auto_merge"] = body["auto_merge"]?.DeepClone(), ["required_contexts"] = body["required_contexts"]?.DeepClone(),
                });
                Deployments[id] = dep;
                return Json(HttpStatusCode.Created, dep);
            }
            case "repos/create-deployment-status":
            {
                var id = long.Parse(args["deployment_id"]);
                if (!Deployments.ContainsKey(id)) return Error(HttpStatusCode.NotFound, "Not Found");
                var status = Shape(op, 201, new() { ["id"] = ++_nextId, ["state"] = body["state"]!.DeepClone(), ["description"] = (string?)body["description"] ?? "" });
                DeploymentStatuses.Enqueue((id, body.DeepClone().AsObject()));
                return Json(HttpStatusCode.Created, status);
            }
            case "repos/get-collaborator-permission-level":
            {
                var perm = Permissions.TryGetValue((repo, args["username"]), out var p) ? p : "none";
                var legacy = perm switch { "maintain" => "write", "triage" => "read", _ => perm };
                return Json(HttpStatusCode.OK, Shape(op, 200, new() { ["permission"] = legacy, ["role_name"] = perm }));
            }
            case "teams/get-membership-for-user-in-org":
                return TeamMembers.TryGetValue((args["org"], args["team_slug"], args["username"]), out var role)
                    ? Json(HttpStatusCode.OK, Shape(op, 200, new() { ["role"] = role, ["state"] = "active" }))
                    : Error(HttpStatusCode.NotFound, "Not Found");
            case "repos/get-content":
            {
                var gitRef = query.GetValueOrDefault("ref") ?? "HEAD";
                if (!Files.TryGetValue((repo, gitRef, args["path"]), out var text)) return Error(HttpStatusCode.NotFound, "Not Found");
                var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
                // GitHub wraps base64 content at 60 characters with real newlines.
                var wrapped = string.Join("\n", Enumerable.Range(0, (b64.Length + 59) / 60).Select(i => b64.Substring(i * 60, Math.Min(60, b64.Length - i * 60))));
                return Json(HttpStatusCode.OK, Shape(op, 200, new()
                {
                    ["type"] = "file", ["encoding"] = "base64", ["size"] = text.Length, ["name"] = args["path"].Split('/')[^1],
                    ["path"] = args["path"], ["content"] = wrapped, ["sha"] = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text))),
                }));
            }
            case "pulls/get":
            {
                var n = int.Parse(args["pull_number"]);
                if (!Pulls.TryGetValue((repo, n), out var pr)) return Error(HttpStatusCode.NotFound, "Not Found");
                var shaped = Shape(op, 200, new() { ["number"] = n, ["state"] = "open", ["html_url"] = $"https://github.com/{repo.FullName}/pull/{n}" });
                shaped["head"]!["ref"] = pr.HeadRef;
                shaped["head"]!["sha"] = pr.HeadSha;
                return Json(HttpStatusCode.OK, shaped);
            }
            case "actions/review-custom-gates-for-run":
            {
                var runId = long.Parse(args["run_id"]);
                var environment = (string)body["environment_name"]!;
                var state = (string?)body["state"];
                var comment = (string?)body["comment"] ?? "";
                if (comment.Length > 1024)
                {
                    Violations.Enqueue($"{op.OperationId}: comment has {comment.Length} characters; GitHub takes at most 1024");
                    return Error(HttpStatusCode.UnprocessableEntity, "Validation Failed: comment is too long (maximum is 1024 characters)");
                }
                if (!WaitingProtectionRules.TryGetValue((repo, runId), out var waiting) || !waiting.Contains(environment))
                    return Error(HttpStatusCode.UnprocessableEntity, $"No pending custom deployment protection rule of this app for environment '{environment}' on run {runId}.");
                if (state is null)
                {
                    var reports = ProtectionReviews.Count(r => r.Repo.Equals(repo) && r.RunId == runId && r.State is null
                                                               && string.Equals(r.Environment, environment, StringComparison.OrdinalIgnoreCase));
                    if (reports >= MaxProtectionReports)
                    {
                        Violations.Enqueue($"{op.OperationId}: status report {reports + 1} for run {runId} at {environment}; GitHub shows at most {MaxProtectionReports}");
                        return Error(HttpStatusCode.UnprocessableEntity, $"Validation Failed: at most {MaxProtectionReports} status reports per deployment");
                    }
                }
                else waiting.Remove(environment);
                ProtectionReviews.Enqueue((repo, runId, environment, state, comment));
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            }
            default:
                Violations.Enqueue($"{op.OperationId}: the double does not implement it");
                return Error(HttpStatusCode.NotImplemented, "not implemented by the double");
        }
    }

    private string? JwtProblem(string? bearer)
    {
        const string Undecodable = "A JSON web token could not be decoded";
        if (AppKey is null || bearer is null) return Undecodable;
        var parts = bearer.Split('.');
        if (parts.Length != 3) return Undecodable;
        try
        {
            var header = JsonNode.Parse(FromB64Url(parts[0]))!;
            if ((string?)header["alg"] != "RS256") return Undecodable;
            if (!AppKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromB64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return Undecodable;
            var claims = JsonNode.Parse(FromB64Url(parts[1]))!;
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            var iat = (long)claims["iat"]!;
            var exp = (long)claims["exp"]!;
            if (iat > now) return "'Issued at' claim ('iat') must be an Integer representing a time in the past.";
            if (exp <= now || exp - now > 600) return "'Expiration time' claim ('exp') is too far in the future";
            if (AppIssuer is not null && (string?)claims["iss"] != AppIssuer) return "'Issuer' claim ('iss') must be an Integer";
            return null;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or NullReferenceException)
        {
            return Undecodable;
        }
    }

    private static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    private HttpResponseMessage RateLimited()
    {
        var (_, secondary, retryAfter, status, resetIn) = _rateLimits;
        var response = secondary
            ? Error(status, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
            : Error(status, "API rate limit exceeded for installation ID 1.");
        if (!secondary) _remaining = 0;
        if (retryAfter is { } ra) response.Headers.RetryAfter = new RetryConditionHeaderValue(ra);
        response.Headers.TryAddWithoutValidation("x-ratelimit-reset", (_time.GetUtcNow() + resetIn).ToUnixTimeSeconds().ToString());
        return response;
    }

    private void AddRateHeaders(HttpResponseMessage response)
    {
        int remaining;
        lock (_gate)
        {
            remaining = _remaining;
            if (_remaining > 0) _remaining--;
            else if (_rateLimits.Count == 0) _remaining = 5000; // the window reset
        }
        response.Headers.TryAddWithoutValidation("x-ratelimit-limit", "5000");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining", remaining.ToString());
        response.Headers.TryAddWithoutValidation("x-ratelimit-used", (5000 - remaining).ToString());
        response.Headers.TryAddWithoutValidation("x-ratelimit-resource", "core");
        if (!response.Headers.Contains("x-ratelimit-reset"))
            response.Headers.TryAddWithoutValidation("x-ratelimit-reset", (_time.GetUtcNow() + TimeSpan.FromHours(1)).ToUnixTimeSeconds().ToString());
    }

    private static JsonObject Shape(GitHubOperation op, int status, Dictionary<string, JsonNode?> fields)
    {
        var shaped = op.Example(status) as JsonObject ?? new JsonObject();
        foreach (var (k, v) in fields) shaped[k] = v;
        return shaped;
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");

    private static Dictionary<string, string> ParseQuery(string query) =>
        query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : "");

    private static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Error(HttpStatusCode status, string message) =>
        Json(status, new JsonObject { ["message"] = message, ["documentation_url"] = Docs, ["status"] = ((int)status).ToString() });
}

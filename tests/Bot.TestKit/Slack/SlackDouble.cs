using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Bot.TestKit.Slack;

/// <summary>
/// An in-process Slack: an <see cref="HttpMessageHandler"/> for <c>https://slack.com/api/</c> and for
/// <c>response_url</c>s on <c>hooks.slack.com</c>. Every Web API request is checked against Slack's OpenAPI
/// (<see cref="SlackContract"/>: method, content type, token, required arguments, argument types, id patterns,
/// unknown arguments) and Block Kit limits; breaches land in <see cref="Violations"/> and get a 400. Valid requests
/// are answered as Slack answers: HTTP 200 with <c>ok:true</c> or <c>ok:false</c> + error code, 429 with
/// <c>Retry-After</c> when told to.
/// </summary>
public sealed class SlackDouble : HttpMessageHandler
{
    public const string BotToken = "xoxb-test-0000-token";

    private readonly SlackContract _contract;
    private readonly object _gate = new();
    private readonly List<SlackCall> _calls = [];
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, List<SlackPosted>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Name, string RealName)> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> _scripted = new();
    private readonly List<(Uri Url, JsonObject Body)> _responses = [];
    private readonly Dictionary<string, int> _responseUses = [];
    private readonly ConcurrentQueue<Func<Task>?> _responseUrlUnreachable = new();
    private long _tsCounter = 1_700_000_000_000100;
    private int? _rateLimitAll;
    private int _rateLimited;

    public SlackDouble(SlackContract? contract = null) => _contract = contract ?? SlackContract.Default;

    public Uri ApiBase { get; } = new("https://slack.com/api/");

    // ---- setup ----

    public SlackDouble WithChannel(string id) { lock (_gate) _channels.TryAdd(id, []); return this; }
    public SlackDouble WithUser(string id, string name, string? realName = null) { lock (_gate) _users[id] = (name, realName ?? name); return this; }
    public SlackDouble WithUserGroup(string id, params string[] members) { lock (_gate) _groups[id] = [.. members]; return this; }

    /// <summary>The next call to <paramref name="method"/> answers <c>ok:false</c> with <paramref name="error"/>,
    /// which must be one of the errors Slack documents for that method.</summary>
    public SlackDouble FailNext(string method, string error)
    {
        var op = Op(method);
        if (!op.Errors.Contains(error)) throw new ArgumentException($"Slack does not answer {method} with '{error}'; documented: {string.Join(", ", op.Errors)}");
        Script(method, () => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = false, ["error"] = error }));
        return this;
    }

    /// <summary>The next <paramref name="times"/> calls to <paramref name="method"/> get 429 with <c>Retry-After</c>.</summary>
    public SlackDouble RateLimitNext(string method, int retryAfterSeconds, int times = 1)
    {
        Op(method);
        for (var i = 0; i < times; i++)
        {
            Script(method, () =>
            {
                return RateLimited(retryAfterSeconds);
            });
        }
        return this;
    }

    /// <summary>Until <see cref="StopRateLimiting"/>, every Web API call gets 429 <c>ratelimited</c> with
    /// <c>Retry-After</c>, as Slack answers a workspace or app over its limit (response_url posts are not affected).</summary>
    public SlackDouble RateLimitAll(int retryAfterSeconds)
    {
        lock (_gate) _rateLimitAll = retryAfterSeconds;
        return this;
    }

    public SlackDouble StopRateLimiting()
    {
        lock (_gate) _rateLimitAll = null;
        return this;
    }

    /// <summary>How many Web API calls were answered 429 (scripted or by <see cref="RateLimitAll"/>).</summary>
    public int RateLimitedCalls { get { lock (_gate) return _rateLimited; } }

    /// <summary>Web API calls so far and how many of them got 429, read together.</summary>
    public (int Calls, int RateLimited) Counts { get { lock (_gate) return (_calls.Count, _rateLimited); } }

    /// <summary>The next <paramref name="times"/> calls to <paramref name="method"/> get an HTTP error (e.g. 503).</summary>
    public SlackDouble ServerErrorNext(string method, HttpStatusCode status = HttpStatusCode.ServiceUnavailable, int times = 1)
    {
        Op(method);
        for (var i = 0; i < times; i++) Script(method, () => new HttpResponseMessage(status) { Content = new StringContent("upstream error") });
        return this;
    }

    /// <summary>The next <paramref name="times"/> posts to a <c>response_url</c> fail as an unreachable host does (the
    /// connection is refused: <see cref="HttpRequestException"/>, nothing delivered, no use of the URL counted), each after
    /// running <paramref name="meanwhile"/> (something that happens while the reply is on its way).</summary>
    public SlackDouble ResponseUrlUnreachableNext(int times = 1, Func<Task>? meanwhile = null)
    {
        for (var i = 0; i < times; i++) _responseUrlUnreachable.Enqueue(meanwhile);
        return this;
    }

    /// <summary>How many response_url posts failed as unreachable so far.</summary>
    public int UnreachableResponseUrlPosts => Volatile.Read(ref _unreachablePosts);
    private int _unreachablePosts;

    // ---- inspection ----

    public IReadOnlyList<string> Violations { get { lock (_gate) return [.. _violations]; } }
    public IReadOnlyList<SlackCall> Calls { get { lock (_gate) return [.. _calls]; } }
    public IReadOnlyList<SlackCall> CallsTo(string method) { lock (_gate) return _calls.Where(c => c.Method == method).ToList(); }

    /// <summary>Top-level messages of a channel (not thread replies), oldest first, as they are now.</summary>
    public IReadOnlyList<SlackPosted> Messages(string channel) { lock (_gate) return _channels.TryGetValue(channel, out var l) ? l.Where(m => m.ThreadTs is null).ToList() : []; }

    public IReadOnlyList<SlackPosted> Thread(string channel, string ts) { lock (_gate) return _channels.TryGetValue(channel, out var l) ? l.Where(m => m.ThreadTs == ts).ToList() : []; }

    public IReadOnlyList<(Uri Url, JsonObject Body)> ResponseUrlPosts { get { lock (_gate) return [.. _responses]; } }

    /// <summary>Completes when at least <paramref name="count"/> calls have been made (any method, or <paramref name="method"/>).</summary>
    public async Task WaitForCallsAsync(int count, string? method = null, CancellationToken ct = default)
    {
        while (true)
        {
            lock (_gate) if (_calls.Count(c => method is null || c.Method == method) >= count) return;
            await Task.Delay(5, ct);
        }
    }

    /// <summary>Throws with every contract breach seen so far: call at the end of each test.</summary>
    public void AssertNoViolations()
    {
        var v = Violations;
        if (v.Count > 0) throw new Xunit.Sdk.XunitException("Slack contract violations:\n" + string.Join("\n", v));
    }

    // ---- handler ----

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("request without URI");
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        if (uri.Host == "hooks.slack.com")
        {
            if (_responseUrlUnreachable.TryDequeue(out var meanwhile))
            {
                if (meanwhile is not null) await meanwhile();
                Interlocked.Increment(ref _unreachablePosts);
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({uri.Host}:443)",
                    new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
            }
            return ResponseUrl(request, uri, body);
        }
        if (uri.Host != ApiBase.Host || !uri.AbsolutePath.StartsWith(ApiBase.AbsolutePath, StringComparison.Ordinal))
            return Violation(HttpStatusCode.NotFound, $"{request.Method} {uri}: not a Slack address");

        var method = uri.AbsolutePath[ApiBase.AbsolutePath.Length..];
        if (!_contract.Operations.TryGetValue(method, out var op))
            return Json(HttpStatusCode.NotFound, new JsonObject { ["ok"] = false, ["error"] = "unknown_method" }, violation: $"{method}: not in the contract");

        if (!Parse(request, uri, body, op, out var args, out var problem)) return Violation(HttpStatusCode.BadRequest, $"{method}: {problem}");
        int? limited;
        lock (_gate)
        {
            // Counted together, so a snapshot of Counts is consistent while calls are in flight.
            _calls.Add(new SlackCall(method, request.Method.Method, args, request.Headers.Authorization?.ToString()));
            limited = _rateLimitAll;
            if (limited is not null) _rateLimited++;
        }

        var token = request.Headers.Authorization is { Scheme: "Bearer" } auth ? auth.Parameter : args["token"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token)) return Error("not_authed");
        if (token != BotToken) return Error("invalid_auth");

        var problems = Validate(op, args);
        if (problems.Count > 0) return Violation(HttpStatusCode.BadRequest, $"{method}: {string.Join("; ", problems)}");
        if (limited is { } seconds) return RateLimitedAnswer(seconds);
        if (_scripted.TryGetValue(method, out var q) && q.TryDequeue(out var scripted)) return scripted();

        lock (_gate)
        {
            return method switch
            {
                "chat.postMessage" => PostMessage(args),
                "chat.update" => Update(args),
                "chat.postEphemeral" => PostEphemeral(args),
                "chat.getPermalink" => Permalink(args),
                "usergroups.users.list" => GroupMembers(args),
                "users.info" => UserInfo(args),
                "auth.test" => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["user_id"] = "UBOT00001", ["team_id"] = "T0000TEAM" }),
                _ => Violation(HttpStatusCode.NotImplemented, $"{method}: the double does not implement it"),
            };
        }
    }

    private HttpResponseMessage RateLimited(int retryAfterSeconds)
    {
        lock (_gate) _rateLimited++;
        return RateLimitedAnswer(retryAfterSeconds);
    }

    private HttpResponseMessage RateLimitedAnswer(int retryAfterSeconds)
    {
        var r = Json(HttpStatusCode.TooManyRequests, new JsonObject { ["ok"] = false, ["error"] = "ratelimited" });
        r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds));
        return r;
    }

    private bool Parse(HttpRequestMessage request, Uri uri, string body, SlackContract.Operation op, out JsonObject args, out string problem)
    {
        args = [];
        problem = "";
        // Slack accepts GET and POST for its methods; the contract names one and the bot must use it.
        if (request.Method.Method != op.HttpMethod) { problem = $"HTTP {request.Method} but the contract says {op.HttpMethod}"; return false; }
        foreach (var (k, v) in QueryHelpers.ParseQuery(uri.Query)) args[k] = v.ToString();
        if (body.Length == 0) return true;

        var mediaType = request.Content?.Headers.ContentType?.MediaType ?? "";
        if (!op.Consumes.Contains(mediaType)) { problem = $"content type '{mediaType}' not in [{string.Join(", ", op.Consumes)}]"; return false; }
        if (mediaType == "application/json")
        {
            if (!string.Equals(request.Content!.Headers.ContentType!.CharSet, "utf-8", StringComparison.OrdinalIgnoreCase)) { problem = "JSON body without charset=utf-8 (Slack warns missing_charset)"; return false; }
            JsonNode? node;
            try { node = JsonNode.Parse(body); } catch (System.Text.Json.JsonException e) { problem = $"invalid JSON: {e.Message}"; return false; }
            if (node is not JsonObject o) { problem = "JSON body is not an object"; return false; }
            foreach (var (k, v) in o) args[k] = v?.DeepClone();
        }
        else
        {
            foreach (var (k, v) in QueryHelpers.ParseQuery(body)) args[k] = v.ToString();
        }
        return true;
    }

    private List<string> Validate(SlackContract.Operation op, JsonObject args)
    {
        var problems = new List<string>();
        var known = op.Parameters.ToDictionary(p => p.Name);
        foreach (var p in op.Parameters.Where(p => p.Required && p.Name != "token"))
        {
            if (args[p.Name] is null) problems.Add($"required argument '{p.Name}' is missing");
        }
        foreach (var (name, value) in args)
        {
            if (!known.TryGetValue(name, out var p)) { problems.Add($"argument '{name}' is not in the contract"); continue; }
            if (value is null) continue;
            if (p.Enum is { } e && value is JsonValue ev && !e.Contains(ev.ToString())) problems.Add($"argument '{name}' = '{ev}' not in [{string.Join(", ", e)}]");
            switch (p.Type)
            {
                case "boolean":
                    if (!(value is JsonValue bv && (bv.TryGetValue<bool>(out _) || bv.ToString() is "true" or "false" or "1" or "0")))
                        problems.Add($"argument '{name}' must be a boolean");
                    break;
                case "string" when name is "blocks" or "attachments":
                    // In JSON bodies Slack takes the array itself; in forms a JSON-encoded string.
                    var arr = value as JsonArray ?? (value is JsonValue sv && sv.TryGetValue<string>(out var s) ? TryArray(s) : null);
                    if (arr is null) { problems.Add($"argument '{name}' must be a JSON array"); break; }
                    if (name == "blocks") problems.AddRange(BlockKitRules.Check(arr).Select(x => "invalid_blocks: " + x));
                    break;
                case "string":
                    if (value is not JsonValue strv || !strv.TryGetValue<string>(out _)) problems.Add($"argument '{name}' must be a string");
                    break;
            }
        }
        Pattern(args, "channel", _contract.ChannelPattern, problems);
        Pattern(args, "ts", _contract.TsPattern, problems);
        Pattern(args, "thread_ts", _contract.TsPattern, problems);
        if (op.Method is "chat.postEphemeral" or "users.info") Pattern(args, "user", _contract.UserPattern, problems);
        return problems;
    }

    private static void Pattern(JsonObject args, string name, string pattern, List<string> problems)
    {
        if (args[name] is JsonValue v && v.TryGetValue<string>(out var s) && !Regex.IsMatch(s, pattern)) problems.Add($"argument '{name}' = '{s}' does not match {pattern}");
    }

    private static JsonArray? TryArray(string s) { try { return JsonNode.Parse(s) as JsonArray; } catch (System.Text.Json.JsonException) { return null; } }

    private HttpResponseMessage PostMessage(JsonObject args)
    {
        var channel = args["channel"]!.GetValue<string>();
        if (!_channels.TryGetValue(channel, out var messages)) return Error("channel_not_found");
        if (!HasContent(args)) return Error("no_text");
        var ts = NextTs();
        var posted = new SlackPosted(channel, ts, args["thread_ts"]?.GetValue<string>(), Text(args), Blocks(args));
        messages.Add(posted);
        return Json(HttpStatusCode.OK, new JsonObject
        {
            ["ok"] = true, ["channel"] = channel, ["ts"] = ts,
            ["message"] = new JsonObject { ["type"] = "message", ["text"] = posted.Text, ["ts"] = ts, ["bot_id"] = "B0BOT0001", ["blocks"] = posted.Blocks?.DeepClone() ?? new JsonArray() },
        });
    }

    private HttpResponseMessage Update(JsonObject args)
    {
        var channel = args["channel"]!.GetValue<string>();
        if (!_channels.TryGetValue(channel, out var messages)) return Error("channel_not_found");
        var ts = args["ts"]!.GetValue<string>();
        var i = messages.FindIndex(m => m.Ts == ts);
        if (i < 0) return Error("message_not_found");
        if (!HasContent(args)) return Error("no_text");
        var old = messages[i];
        messages[i] = old with { Text = Text(args) ?? old.Text, Blocks = args["blocks"] is not null ? Blocks(args) : old.Blocks, Edits = old.Edits + 1 };
        return Json(HttpStatusCode.OK, new JsonObject
        {
            ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["text"] = messages[i].Text ?? "",
            ["message"] = new JsonObject { ["text"] = messages[i].Text ?? "" },
        });
    }

    /// <summary>The permalink of a message the double holds, as Slack words it: the workspace's host, the channel, and
    /// <c>p</c> with the ts without its dot.</summary>
    private HttpResponseMessage Permalink(JsonObject args)
    {
        var channel = args["channel"]!.GetValue<string>();
        if (!_channels.TryGetValue(channel, out var messages)) return Error("channel_not_found");
        var ts = args["message_ts"]!.GetValue<string>();
        if (!messages.Exists(m => m.Ts == ts)) return Error("message_not_found");
        return Json(HttpStatusCode.OK, new JsonObject
        {
            ["ok"] = true, ["channel"] = channel, ["permalink"] = PermalinkOf(channel, ts),
        });
    }

    /// <summary>What <c>chat.getPermalink</c> answers for a message of this double's workspace.</summary>
    public static string PermalinkOf(string channel, string ts) => $"https://shop.slack.com/archives/{channel}/p{ts.Replace(".", "", StringComparison.Ordinal)}";

    private HttpResponseMessage PostEphemeral(JsonObject args)
    {
        var channel = args["channel"]!.GetValue<string>();
        if (!_channels.TryGetValue(channel, out _)) return Error("channel_not_found");
        var user = args["user"]!.GetValue<string>();
        if (!_users.ContainsKey(user)) return Error("user_not_in_channel");
        if (!HasContent(args)) return Error("no_text");
        var ts = NextTs();
        Ephemerals.Add(new SlackEphemeral(channel, user, Text(args), Blocks(args)));
        return Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["message_ts"] = ts });
    }

    public List<SlackEphemeral> Ephemerals { get; } = [];

    private HttpResponseMessage GroupMembers(JsonObject args)
    {
        var id = args["usergroup"]!.GetValue<string>();
        // Slack's answer for an unknown group (documented today; newer than the 2021 spec's enum).
        if (!_groups.TryGetValue(id, out var members)) return Json(HttpStatusCode.OK, new JsonObject { ["ok"] = false, ["error"] = "no_such_subteam" });
        return Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["users"] = new JsonArray([.. members.Select(m => (JsonNode)m)]) });
    }

    private HttpResponseMessage UserInfo(JsonObject args)
    {
        var id = args["user"]?.GetValue<string>() ?? "";
        if (!_users.TryGetValue(id, out var u)) return Error("user_not_found");
        return Json(HttpStatusCode.OK, new JsonObject
        {
            ["ok"] = true,
            ["user"] = new JsonObject
            {
                ["id"] = id, ["team_id"] = "T0000TEAM", ["name"] = u.Name, ["real_name"] = u.RealName, ["deleted"] = false, ["is_bot"] = false,
                ["profile"] = new JsonObject { ["real_name"] = u.RealName, ["display_name"] = u.Name },
            },
        });
    }

    private HttpResponseMessage ResponseUrl(HttpRequestMessage request, Uri uri, string body)
    {
        if (request.Method != HttpMethod.Post) return Violation(HttpStatusCode.MethodNotAllowed, $"response_url: {request.Method} instead of POST");
        if (request.Headers.Authorization is not null) return Violation(HttpStatusCode.BadRequest, "response_url: must not carry the bot token");
        if (request.Content?.Headers.ContentType?.MediaType != "application/json") return Violation(HttpStatusCode.BadRequest, "response_url: body must be JSON");
        JsonObject? o;
        try { o = JsonNode.Parse(body) as JsonObject; } catch (System.Text.Json.JsonException) { o = null; }
        if (o is null) return Violation(HttpStatusCode.BadRequest, "response_url: body is not a JSON object");
        if (o["text"] is null && o["blocks"] is null && o["delete_original"] is null) return Plain(HttpStatusCode.BadRequest, "no_text");
        if (o["blocks"] is JsonArray blocks && BlockKitRules.Check(blocks) is { Count: > 0 } bad) return Violation(HttpStatusCode.BadRequest, "response_url: invalid_blocks: " + string.Join("; ", bad));
        lock (_gate)
        {
            var uses = _responseUses[uri.AbsoluteUri] = _responseUses.GetValueOrDefault(uri.AbsoluteUri) + 1;
            if (uses > 5) return Plain(HttpStatusCode.NotFound, "used_url");
            _responses.Add((uri, o));
        }
        return Plain(HttpStatusCode.OK, "ok");
    }

    private static bool HasContent(JsonObject args) =>
        args["text"] is JsonValue t && t.ToString().Length > 0 || args["blocks"] is not null || args["attachments"] is not null;

    private static string? Text(JsonObject args) => args["text"] is JsonValue t ? t.ToString() : null;

    private static JsonArray? Blocks(JsonObject args) => args["blocks"] switch
    {
        JsonArray a => (JsonArray)a.DeepClone(),
        JsonValue v when v.TryGetValue<string>(out var s) => TryArray(s),
        _ => null,
    };

    private string NextTs()
    {
        var n = Interlocked.Increment(ref _tsCounter);
        return (n / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (n % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
    }

    private SlackContract.Operation Op(string method) =>
        _contract.Operations.TryGetValue(method, out var op) ? op : throw new ArgumentException($"{method} is not in the Slack contract");

    private void Script(string method, Func<HttpResponseMessage> answer) => _scripted.GetOrAdd(method, _ => new()).Enqueue(answer);

    private HttpResponseMessage Violation(HttpStatusCode status, string message)
    {
        lock (_gate) _violations.Add(message);
        return Json(status, new JsonObject { ["ok"] = false, ["error"] = "contract_violation", ["detail"] = message });
    }

    private HttpResponseMessage Error(string error) => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = false, ["error"] = error });

    private HttpResponseMessage Json(HttpStatusCode status, JsonObject body, string? violation = null)
    {
        if (violation is not null) lock (_gate) _violations.Add(violation);
        return new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private static HttpResponseMessage Plain(HttpStatusCode status, string text) =>
        new(status) { Content = new StringContent(text, Encoding.UTF8, "text/plain") };
}

/// <summary>A recorded Web API call: method, HTTP verb, arguments (query, form or JSON merged), auth header.</summary>
public sealed record SlackCall(string Method, string HttpMethod, JsonObject Args, string? Authorization);

/// <summary>A message as it stands in the double's channel.</summary>
public sealed record SlackPosted(string Channel, string Ts, string? ThreadTs, string? Text, JsonArray? Blocks, int Edits = 0);

public sealed record SlackEphemeral(string Channel, string User, string? Text, JsonArray? Blocks);

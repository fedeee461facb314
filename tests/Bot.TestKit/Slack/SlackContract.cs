using System.Text.Json.Nodes;

namespace Bot.TestKit.Slack;

/// <summary>The Slack Web API contract the double enforces, read from
/// <c>../shared/fixtures/slack/slack-web-api.subset.openapi2.json</c> (Slack's official OpenAPI 2 spec).</summary>
public sealed class SlackContract
{
    public sealed record Parameter(string Name, string In, string Type, bool Required, IReadOnlyList<string>? Enum);

    public sealed record Operation(string Method, string HttpMethod, IReadOnlyList<string> Consumes, IReadOnlyList<Parameter> Parameters, IReadOnlySet<string> Errors);

    private static readonly Lazy<SlackContract> Shared = new(() => Load(RepoPaths.Fixture("slack", "slack-web-api.subset.openapi2.json")));

    public static SlackContract Default => Shared.Value;

    public IReadOnlyDictionary<string, Operation> Operations { get; }

    /// <summary>Regex patterns of the spec's id definitions (channel, ts, user).</summary>
    public string ChannelPattern { get; }
    public string TsPattern { get; }
    public string UserPattern { get; }

    private SlackContract(IReadOnlyDictionary<string, Operation> ops, string channel, string ts, string user)
    {
        Operations = ops;
        ChannelPattern = channel;
        TsPattern = ts;
        UserPattern = user;
    }

    public static SlackContract Load(string path)
    {
        var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var ops = new Dictionary<string, Operation>(StringComparer.Ordinal);
        foreach (var (route, item) in doc["paths"]!.AsObject())
        {
            foreach (var (verb, opNode) in item!.AsObject())
            {
                var op = opNode!.AsObject();
                var parameters = (op["parameters"]?.AsArray() ?? [])
                    .Select(p => new Parameter(
                        p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["type"]?.GetValue<string>() ?? "string",
                        p["required"]?.GetValue<bool>() ?? false,
                        p["enum"]?.AsArray().Select(e => e!.GetValue<string>()).ToList()))
                    .ToList();
                var errors = op["responses"]?["default"]?["schema"]?["properties"]?["error"]?["enum"]?.AsArray()
                    .Select(e => e!.GetValue<string>()).ToHashSet() ?? [];
                var consumes = op["consumes"]?.AsArray().Select(c => c!.GetValue<string>()).ToList() ?? [];
                var name = route.TrimStart('/');
                ops[name] = new Operation(name, verb.ToUpperInvariant(), consumes, parameters, errors);
            }
        }
        var defs = doc["definitions"]!;
        return new SlackContract(ops,
            defs["defs_channel"]!["pattern"]!.GetValue<string>(), defs["defs_ts"]!["pattern"]!.GetValue<string>(),
            defs["defs_user_id"]!["pattern"]!.GetValue<string>());
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Functions.Hosting;

/// <summary>
/// The function app as the Functions host sees it: the build's <c>functions.metadata</c> (the worker SDK writes it from the
/// <c>[Function]</c> methods: names, triggers, routes, queues, schedules, entry points) and host.json beside it. The
/// standalone host serves and pumps exactly these, so both hosts run from the same list; nothing else names a route, queue
/// or schedule.
/// </summary>
public sealed class FunctionCatalog
{
    public const string MetadataFile = "functions.metadata";

    public FunctionCatalog(string appRoot)
    {
        AppRoot = Path.GetFullPath(appRoot);
        HostJsonPath = Path.Combine(AppRoot, "host.json");
        MetadataPath = Path.Combine(AppRoot, MetadataFile);
        if (!File.Exists(HostJsonPath))
            throw new InvalidOperationException($"{HostJsonPath} is missing: set Bot:AppRoot to the folder holding host.json and {MetadataFile} (the build output)");
        if (!File.Exists(MetadataPath))
            throw new InvalidOperationException($"{MetadataPath} is missing: build functions/Bot.Functions (the worker SDK writes it), or set Bot:AppRoot to the build output");
        HostJson = ParseObject(HostJsonPath);
        Queues = ReadQueueOptions(HostJson, HostJsonPath);
        RoutePrefix = ((string?)HostJson["extensions"]?["http"]?["routePrefix"] ?? "api").Trim('/');
        Functions = ReadMetadata(MetadataPath).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var dupes = Functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) throw new InvalidOperationException($"{MetadataPath}: functions listed twice: {string.Join(", ", dupes)}");
    }

    public string AppRoot { get; }
    public string HostJsonPath { get; }
    public string MetadataPath { get; }
    public JsonObject HostJson { get; }
    public QueueHostOptions Queues { get; }

    /// <summary>host.json <c>extensions.http.routePrefix</c> (default <c>api</c>).</summary>
    public string RoutePrefix { get; }

    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public FunctionDefinition? Find(string name) => Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The queue a queue-triggered function listens on; throws naming the file when it is not one.</summary>
    public string QueueOf(string functionName) =>
        Find(functionName) is { IsQueue: true, QueueName: { } q } ? q
        : throw new InvalidOperationException($"no queue-triggered function '{functionName}' in {MetadataPath}");

    /// <summary>A binding value with its <c>%AppSetting%</c> references resolved from configuration, as the Functions host
    /// resolves them (<c>%Sweep:Schedule%</c> reads <c>Sweep:Schedule</c>, i.e. <c>Sweep__Schedule</c>).</summary>
    public static string Resolve(string value, IConfiguration configuration, string what) =>
        System.Text.RegularExpressions.Regex.Replace(value, "%([^%]+)%", m =>
            configuration[m.Groups[1].Value] is { Length: > 0 } v ? v
            : throw new InvalidOperationException($"{what}: app setting '{m.Groups[1].Value}' ('{m.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal)}') is not set"));

    /// <summary>The app root: <paramref name="configured"/> (<c>Bot:AppRoot</c>), else the app's own folder, where the build
    /// (and <c>dotnet publish</c>) puts functions.metadata and the copy of host.json.</summary>
    public static string LocateAppRoot(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? AppContext.BaseDirectory : configured;

    private static JsonObject ParseObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new InvalidOperationException($"{path}: expected a JSON object");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path}:{ex.LineNumber + 1}: invalid JSON: {ex.Message}", ex);
        }
    }

    private static IEnumerable<FunctionDefinition> ReadMetadata(string path)
    {
        JsonArray list;
        try
        {
            list = JsonNode.Parse(File.ReadAllText(path)) as JsonArray ?? throw new InvalidOperationException($"{path}: expected a JSON array of functions");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path}:{ex.LineNumber + 1}: invalid JSON: {ex.Message}", ex);
        }
        foreach (var item in list)
        {
            if (item is not JsonObject f) throw new InvalidOperationException($"{path}: every entry must be an object");
            var name = (string?)f["name"] ?? throw new InvalidOperationException($"{path}: a function has no 'name'");
            var where = $"{path} ({name})";
            var bindings = f["bindings"] as JsonArray ?? throw new InvalidOperationException($"{where}: 'bindings' array is missing");
            var triggers = bindings.OfType<JsonObject>()
                .Where(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true).ToList();
            if (triggers.Count != 1) throw new InvalidOperationException($"{where}: expected exactly one trigger binding, found {triggers.Count}");
            var t = triggers[0];
            var type = (string)t["type"]!;
            var binding = (string?)t["name"] ?? throw new InvalidOperationException($"{where}: the trigger binding has no 'name'");
            var methods = (t["methods"] as JsonArray)?.Select(m => ((string)m!).ToLowerInvariant()).ToList() ?? [];
            var entry = (string?)f["entryPoint"] ?? throw new InvalidOperationException($"{where}: 'entryPoint' is missing");
            var def = new FunctionDefinition(name, type, binding, (string?)t["queueName"], (string?)t["schedule"],
                (bool?)t["runOnStartup"] ?? false, (string?)t["route"] ?? (type == "httpTrigger" ? name : null), methods, entry, path);
            if (def.IsQueue && string.IsNullOrWhiteSpace(def.QueueName)) throw new InvalidOperationException($"{where}: queueTrigger needs 'queueName'");
            if (def.IsTimer && string.IsNullOrWhiteSpace(def.Schedule)) throw new InvalidOperationException($"{where}: timerTrigger needs 'schedule'");
            yield return def;
        }
    }

    private static QueueHostOptions ReadQueueOptions(JsonObject host, string path)
    {
        var q = host["extensions"]?["queues"] as JsonObject;
        var d = new QueueHostOptions();
        if (q is null) return d;
        TimeSpan Span(string key, TimeSpan fallback)
        {
            if (q[key] is null) return fallback;
            var text = (string?)q[key];
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var v) && v >= TimeSpan.Zero ? v
                : throw new InvalidOperationException($"{path}: extensions.queues.{key} '{text}' is not a time span like \"00:00:30\"");
        }
        var options = new QueueHostOptions
        {
            BatchSize = (int?)q["batchSize"] ?? d.BatchSize,
            MaxDequeueCount = (int?)q["maxDequeueCount"] ?? d.MaxDequeueCount,
            MaxPollingInterval = Span("maxPollingInterval", d.MaxPollingInterval),
            VisibilityTimeout = Span("visibilityTimeout", d.VisibilityTimeout),
            MessageEncoding = (string?)q["messageEncoding"] ?? d.MessageEncoding,
        };
        if (options.BatchSize is < 1 or > 32) throw new InvalidOperationException($"{path}: extensions.queues.batchSize must be 1-32, was {options.BatchSize}");
        if (options.MaxDequeueCount < 1) throw new InvalidOperationException($"{path}: extensions.queues.maxDequeueCount must be at least 1");
        if (options.MaxPollingInterval < TimeSpan.FromMilliseconds(100)) throw new InvalidOperationException($"{path}: extensions.queues.maxPollingInterval must be at least 00:00:00.1");
        if (options.MessageEncoding != "base64") throw new InvalidOperationException($"{path}: extensions.queues.messageEncoding must be base64 (the storage client always encodes)");
        return options;
    }
}

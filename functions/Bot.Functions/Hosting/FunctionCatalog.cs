using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bot.Functions.Hosting;

/// <summary>
/// The function app as the Functions host sees it: host.json at the app root and one folder per function holding
/// its function.json. Standalone mode reads queue names, schedules and queue settings from here, so both hosts run
/// from the same files. Function folders are looked for beside host.json and under <c>functions/</c> (the repo layout).
/// </summary>
public sealed class FunctionCatalog
{
    public FunctionCatalog(string appRoot)
    {
        AppRoot = Path.GetFullPath(appRoot);
        HostJsonPath = Path.Combine(AppRoot, "host.json");
        if (!File.Exists(HostJsonPath))
            throw new InvalidOperationException($"{HostJsonPath} is missing: set Bot:AppRoot to the folder holding host.json and the function folders");
        HostJson = ParseObject(HostJsonPath);
        Queues = ReadQueueOptions(HostJson, HostJsonPath);
        var folders = new[] { AppRoot, Path.Combine(AppRoot, "functions") }.Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories)
            .Where(d => File.Exists(Path.Combine(d, "function.json")));
        Functions = folders.Select(d => ReadFunction(Path.GetFileName(d), Path.Combine(d, "function.json")))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var dupes = Functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0) throw new InvalidOperationException($"function folders found twice under {AppRoot}: {string.Join(", ", dupes)}");
    }

    public string AppRoot { get; }
    public string HostJsonPath { get; }
    public JsonObject HostJson { get; }
    public QueueHostOptions Queues { get; }
    public IReadOnlyList<FunctionDefinition> Functions { get; }

    public FunctionDefinition? Find(string name) => Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The queue a queue-triggered function listens on; throws naming the file when it is not one.</summary>
    public string QueueOf(string functionName) =>
        Find(functionName) is { IsQueue: true, QueueName: { } q } ? q
        : throw new InvalidOperationException($"no queue-triggered function '{functionName}' under {AppRoot}");

    /// <summary>Finds the app root: <paramref name="configured"/>, else the first folder holding host.json above the
    /// given start folders (the build output sits below the repository root).</summary>
    public static string LocateAppRoot(string? configured, params string?[] startFolders)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return configured;
        foreach (var start in startFolders.Where(s => !string.IsNullOrEmpty(s)))
        {
            for (var dir = new DirectoryInfo(start!); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "host.json"))) return dir.FullName;
        }
        throw new InvalidOperationException("host.json not found above the app folder: set Bot:AppRoot to the folder holding host.json");
    }

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

    private static FunctionDefinition ReadFunction(string name, string path)
    {
        var json = ParseObject(path);
        var bindings = json["bindings"] as JsonArray ?? throw new InvalidOperationException($"{path}: 'bindings' array is missing");
        var triggers = bindings.OfType<JsonObject>()
            .Where(b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true).ToList();
        if (triggers.Count != 1) throw new InvalidOperationException($"{path}: expected exactly one trigger binding, found {triggers.Count}");
        var t = triggers[0];
        var type = (string)t["type"]!;
        var binding = (string?)t["name"] ?? throw new InvalidOperationException($"{path}: the trigger binding has no 'name'");
        var methods = (t["methods"] as JsonArray)?.Select(m => ((string)m!).ToLowerInvariant()).ToList() ?? [];
        var def = new FunctionDefinition(name, type, binding, (string?)t["queueName"], (string?)t["schedule"],
            (bool?)t["runOnStartup"] ?? false, (string?)t["route"] ?? (type == "httpTrigger" ? name : null), methods, path, json);
        if (def.IsQueue && string.IsNullOrWhiteSpace(def.QueueName)) throw new InvalidOperationException($"{path}: queueTrigger needs 'queueName'");
        if (def.IsTimer && string.IsNullOrWhiteSpace(def.Schedule)) throw new InvalidOperationException($"{path}: timerTrigger needs 'schedule'");
        return def;
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

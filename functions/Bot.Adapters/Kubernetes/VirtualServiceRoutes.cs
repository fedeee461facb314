using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Adapters.Kubernetes;

/// <summary>Pure transforms of a VirtualService's <c>spec.http</c>: only the named route (and the bot's own header route) change;
/// every other route, and every field the bot does not own, is carried over untouched, unknown fields included. Missing pieces
/// throw <see cref="RouteCheckFailedException"/> saying what is missing.</summary>
public static class VirtualServiceRoutes
{
    /// <summary>Annotation holding the weights the bot last wrote, per route, and the fence sequence of the last write applied to
    /// the route: <c>{"primary":{"stable":90,"canary":10,"sequence":3}}</c>. An entry without <c>sequence</c> (written before
    /// fencing) reads as sequence 0.</summary>
    public const string WeightsAnnotation = "release-bot/weights";

    /// <summary>Serializer settings for what the bot sends: regexes in matches stay readable (no \u002B for '+').</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int IndexOf(JsonArray http, string name)
    {
        for (int i = 0; i < http.Count; i++)
            if (http[i] is JsonObject o && (string?)o["name"] == name) return i;
        return -1;
    }

    /// <summary>Route names for error messages; unnamed routes show as <c>#index</c>.</summary>
    public static IReadOnlyList<string> RouteNames(JsonArray http) =>
        http.Select((r, i) => r?["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : $"#{i} (unnamed)").ToList();

    /// <summary>The named route's live weights. A sole destination without a weight takes everything; a missing canary is 0.</summary>
    public static RouteWeights ReadWeights(JsonArray http, RouteRef r)
    {
        var route = FindRoute(http, r);
        var dests = Destinations(route, r);
        var stable = Find(dests, r.Host, r.StableSubset) ?? throw NoStable(dests, r);
        var canary = Find(dests, r.Host, r.CanarySubset);
        return new RouteWeights(
            WeightOf(stable) ?? (dests.Count == 1 ? 100 : 0),
            canary is null ? 0 : WeightOf(canary) ?? 0);
    }

    /// <summary>Sets canary to <paramref name="canaryWeight"/> and stable to the rest, adding the canary destination if missing.</summary>
    public static RouteEdit SetWeight(JsonArray http, RouteRef r, int canaryWeight)
    {
        if (canaryWeight is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(canaryWeight), canaryWeight, "percent 0-100");
        var copy = Clone(http);
        ApplyWeight(copy, r, canaryWeight);
        return Result(http, copy);
    }

    /// <summary>Inserts (or replaces) the header route right before the named route; null removes it. The header route keeps
    /// the named route's matches (each block ANDed with the header) and its other settings (timeouts, retries, headers…).</summary>
    public static RouteEdit SetHeaderRoute(JsonArray http, RouteRef r, HeaderRouteStep? match)
    {
        var copy = Clone(http);
        ApplyHeaderRoute(copy, r, match);
        return Result(http, copy);
    }

    /// <summary>Mirrors <paramref name="percent"/> (0-100) of the named route's traffic to the canary; null or 0 removes the bot's mirror.
    /// A mirror someone else configured is never replaced.</summary>
    public static RouteEdit SetMirror(JsonArray http, RouteRef r, double? percent)
    {
        if (percent is < 0 or > 100 || (percent is { } p && double.IsNaN(p)))
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "percent 0-100");
        var copy = Clone(http);
        ApplyMirror(copy, r, percent);
        return Result(http, copy);
    }

    /// <summary>Puts Istio fault injection on the named route (the one whose destinations carry the canary): <c>fault.abort</c>
    /// {httpStatus, percentage} and/or <c>fault.delay</c> {fixedDelay, percentage}, as Istio's HTTPFaultInjection; null removes it.
    /// The route's <c>fault</c> belongs to the bot while a fault step runs.</summary>
    public static RouteEdit SetFault(JsonArray http, RouteRef r, FaultStep? fault)
    {
        var copy = Clone(http);
        ApplyFault(copy, r, fault);
        return Result(http, copy);
    }

    /// <summary>Canary weight 0, the bot's header route, mirror and fault removed: one edit, hence one write.</summary>
    public static RouteEdit Rollback(JsonArray http, RouteRef r)
    {
        var copy = Clone(http);
        ApplyWeight(copy, r, 0);
        ApplyHeaderRoute(copy, r, null);
        ApplyMirror(copy, r, null);
        ApplyFault(copy, r, null);
        return Result(http, copy);
    }

    private static void ApplyFault(JsonArray http, RouteRef r, FaultStep? fault)
    {
        var route = FindRoute(http, r);
        if (fault is null || (fault.Abort is null && fault.Delay is null))
        {
            route.Remove("fault");
            return;
        }
        var built = new JsonObject();
        if (fault.Abort is { } a)
        {
            if (a.Percent is < 0 or > 100 || a.HttpStatus is < 200 or > 599)
                throw new RouteCheckFailedException($"fault abort {a.Percent}% {a.HttpStatus}: percent must be 0-100 and httpStatus 200-599");
            built["abort"] = new JsonObject { ["httpStatus"] = a.HttpStatus, ["percentage"] = new JsonObject { ["value"] = a.Percent } };
        }
        if (fault.Delay is { } d)
        {
            if (d.Percent is < 0 or > 100 || d.FixedDelay < TimeSpan.FromMilliseconds(1))
                throw new RouteCheckFailedException($"fault delay {d.Percent}%: percent must be 0-100 and fixedDelay at least 1ms");
            built["delay"] = new JsonObject { ["fixedDelay"] = IstioDuration(d.FixedDelay), ["percentage"] = new JsonObject { ["value"] = d.Percent } };
        }
        if (!JsonNode.DeepEquals(route["fault"], built)) route["fault"] = built;
    }

    /// <summary>A protobuf duration as Istio reads it: seconds with up to 9 fractional digits and an <c>s</c> (<c>1.5s</c>).</summary>
    internal static string IstioDuration(TimeSpan t) => t.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";

    /// <summary>The weights recorded in the <see cref="WeightsAnnotation"/> for the route, or null (never written, or unreadable).</summary>
    public static RouteWeights? RecordedWeights(JsonObject virtualService, string routeName)
    {
        if ((string?)virtualService["metadata"]?["annotations"]?[WeightsAnnotation] is not { Length: > 0 } text) return null;
        try
        {
            if (JsonNode.Parse(text)?[routeName] is JsonObject w && w["stable"] is JsonValue s && w["canary"] is JsonValue c
                && s.TryGetValue<int>(out var si) && c.TryGetValue<int>(out var ci))
                return new RouteWeights(si, ci);
        }
        catch (JsonException) { }
        return null;
    }

    /// <summary>The fence sequence recorded for the route: the last applied write's. 0 when none (never written, written
    /// before fencing, or unreadable).</summary>
    public static long RecordedSequence(JsonObject virtualService, string routeName)
    {
        if (RecordedMap(virtualService)[routeName] is JsonObject entry && entry["sequence"] is JsonValue v && v.TryGetValue<long>(out var seq) && seq > 0)
            return seq;
        return 0;
    }

    /// <summary>The annotation value after recording <paramref name="weights"/> for the route (other routes' entries kept,
    /// the route's sequence kept).</summary>
    public static string WithRecordedWeights(JsonObject virtualService, string routeName, RouteWeights weights) =>
        WithRecord(virtualService, routeName, weights, RecordedSequence(virtualService, routeName));

    /// <summary>The annotation value after recording, for the route, <paramref name="weights"/> (null keeps the recorded ones)
    /// and <paramref name="sequence"/> (0 writes none). Other routes' entries are kept.</summary>
    public static string WithRecord(JsonObject virtualService, string routeName, RouteWeights? weights, long sequence)
    {
        var map = RecordedMap(virtualService);
        var old = map[routeName] as JsonObject;
        var recorded = RecordedWeights(virtualService, routeName);
        JsonObject entry = [];
        if ((weights ?? recorded) is { } w)
        {
            entry["stable"] = w.Stable;
            entry["canary"] = w.Canary;
        }
        if (sequence > 0) entry["sequence"] = sequence;
        foreach (var (key, value) in old ?? [])
            if (key is not ("stable" or "canary" or "sequence")) entry[key] = value?.DeepClone();
        map[routeName] = entry;
        return map.ToJsonString(Json);
    }

    private static JsonObject RecordedMap(JsonObject virtualService)
    {
        if ((string?)virtualService["metadata"]?["annotations"]?[WeightsAnnotation] is not { Length: > 0 } text) return [];
        try { return JsonNode.Parse(text) as JsonObject ?? []; }
        catch (JsonException) { return []; }
    }

    private static JsonArray Clone(JsonArray http) => (JsonArray)http.DeepClone();

    private static RouteEdit Result(JsonArray before, JsonArray after) => new(after, !JsonNode.DeepEquals(before, after));

    private static void ApplyWeight(JsonArray http, RouteRef r, int canaryWeight)
    {
        var route = FindRoute(http, r);
        var dests = Destinations(route, r);
        var stable = Find(dests, r.Host, r.StableSubset) ?? throw NoStable(dests, r);
        var others = dests.OfType<JsonObject>().Where(d => !Matches(d, r.Host, r.StableSubset) && !Matches(d, r.Host, r.CanarySubset)).ToList();
        if (others.Count > 0)
            throw new RouteCheckFailedException(
                $"route '{r.RouteName}' also sends traffic to {string.Join(", ", others.Select(Describe))}; the bot only splits between " +
                $"subsets '{r.StableSubset}' and '{r.CanarySubset}', so weights could not sum to 100");
        var canary = Find(dests, r.Host, r.CanarySubset);
        if (canary is null)
        {
            canary = new JsonObject { ["destination"] = NewDestination(stable, r.CanarySubset), ["weight"] = canaryWeight };
            dests.Insert(dests.IndexOf(stable) + 1, canary);
        }
        SetWeightValue(stable, 100 - canaryWeight);
        SetWeightValue(canary, canaryWeight);
    }

    private static void ApplyHeaderRoute(JsonArray http, RouteRef r, HeaderRouteStep? match)
    {
        int existing = IndexOf(http, r.HeaderRouteName);
        if (match is null)
        {
            if (existing >= 0) http.RemoveAt(existing);
            return;
        }
        if (string.IsNullOrWhiteSpace(match.Header) || match.Header != match.Header.ToLowerInvariant())
            throw new RouteCheckFailedException($"header route: header name '{match.Header}' must be lowercase (Istio matches lowercase, hyphenated names)");
        var route = FindRoute(http, r);
        var stable = Find(Destinations(route, r), r.Host, r.StableSubset) ?? throw NoStable(Destinations(route, r), r);
        var built = new JsonObject { ["name"] = r.HeaderRouteName };
        var blocks = new JsonArray();
        var header = new JsonObject { ["exact"] = match.Value };
        if (route["match"] is JsonArray { Count: > 0 } matches)
        {
            foreach (var m in matches)
            {
                var block = (JsonObject)m!.DeepClone();
                if (block["headers"] is not JsonObject headers) block["headers"] = headers = [];
                headers[match.Header] = header.DeepClone();
                blocks.Add(block);
            }
        }
        else blocks.Add(new JsonObject { ["headers"] = new JsonObject { [match.Header] = header } });
        built["match"] = blocks;
        foreach (var (key, value) in route)
        {
            if (key is "name" or "match" or "route" or "mirror" or "mirrorPercentage" or "mirrors" or "mirror_percent") continue;
            built[key] = value?.DeepClone();
        }
        built["route"] = new JsonArray(new JsonObject { ["destination"] = NewDestination(stable, r.CanarySubset), ["weight"] = 100 });

        if (existing >= 0)
        {
            if (JsonNode.DeepEquals(http[existing], built) && existing == IndexOf(http, r.RouteName) - 1) return;
            http.RemoveAt(existing);
        }
        http.Insert(IndexOf(http, r.RouteName), built);
    }

    private static void ApplyMirror(JsonArray http, RouteRef r, double? percent)
    {
        var route = FindRoute(http, r);
        var current = route["mirror"] as JsonObject;
        bool ours = current is not null && (string?)current["subset"] == r.CanarySubset;
        if (percent is null or 0)
        {
            if (ours)
            {
                route.Remove("mirror");
                route.Remove("mirrorPercentage");
            }
            return;
        }
        if (current is not null && !ours)
            throw new RouteCheckFailedException($"route '{r.RouteName}' already mirrors to {Describe(new JsonObject { ["destination"] = current.DeepClone() })}; the bot does not replace a mirror it did not set");
        var stable = Find(Destinations(route, r), r.Host, r.StableSubset) ?? throw NoStable(Destinations(route, r), r);
        var mirror = NewDestination(stable, r.CanarySubset);
        if (!JsonNode.DeepEquals(current, mirror)) route["mirror"] = mirror;
        double value = percent.Value;
        if (route["mirrorPercentage"]?["value"] is not JsonValue v || !v.TryGetValue<double>(out var existing) || existing != value)
            route["mirrorPercentage"] = new JsonObject { ["value"] = value };
    }

    private static JsonObject FindRoute(JsonArray http, RouteRef r)
    {
        int i = IndexOf(http, r.RouteName);
        if (i < 0)
            throw new RouteCheckFailedException(
                $"route '{r.RouteName}' not found; routes found: {(http.Count == 0 ? "(none)" : string.Join(", ", RouteNames(http)))}");
        return (JsonObject)http[i]!;
    }

    private static JsonArray Destinations(JsonObject route, RouteRef r) =>
        route["route"] as JsonArray
        ?? throw new RouteCheckFailedException(
            $"route '{r.RouteName}' has no destinations (it uses {string.Join(", ", route.Select(p => p.Key).Where(k => k is "delegate" or "redirect" or "directResponse").DefaultIfEmpty("no route[]"))}); the bot needs route[] with subset '{r.StableSubset}'");

    private static RouteCheckFailedException NoStable(JsonArray dests, RouteRef r) =>
        new($"route '{r.RouteName}' does not route to subset '{r.StableSubset}'{(r.Host is null ? "" : $" of host '{r.Host}'")}; its destinations: {string.Join(", ", dests.OfType<JsonObject>().Select(Describe))}");

    private static JsonObject? Find(JsonArray dests, string? host, string subset) =>
        dests.OfType<JsonObject>().FirstOrDefault(d => Matches(d, host, subset));

    private static bool Matches(JsonObject dest, string? host, string subset) =>
        dest["destination"] is JsonObject d && (string?)d["subset"] == subset && (host is null || HostMatches((string?)d["host"], host));

    // "reviews" and "reviews.shop.svc.cluster.local" name the same service inside its namespace.
    private static bool HostMatches(string? a, string b) =>
        a is not null && (a == b || (!a.Contains('.') && b.StartsWith(a + ".", StringComparison.Ordinal)) || (!b.Contains('.') && a.StartsWith(b + ".", StringComparison.Ordinal)));

    private static JsonObject NewDestination(JsonObject stable, string subset)
    {
        var from = (JsonObject)stable["destination"]!;
        var d = new JsonObject { ["host"] = from["host"]?.DeepClone(), ["subset"] = subset };
        if (from["port"] is { } port) d["port"] = port.DeepClone();
        return d;
    }

    private static int? WeightOf(JsonObject dest) =>
        dest["weight"] is JsonValue v && v.TryGetValue<int>(out var w) ? w : null;

    private static void SetWeightValue(JsonObject dest, int weight)
    {
        if (WeightOf(dest) != weight) dest["weight"] = weight;
    }

    private static string Describe(JsonObject dest) =>
        dest["destination"] is JsonObject d
            ? $"{(string?)d["host"]}{((string?)d["subset"] is { } s ? "/" + s : "")}{(WeightOf(dest) is { } w ? " (" + w.ToString(CultureInfo.InvariantCulture) + ")" : "")}"
            : dest.ToJsonString();
}

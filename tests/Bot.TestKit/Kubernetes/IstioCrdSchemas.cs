using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Bot.TestKit.Kubernetes;

/// <summary>
/// Validates Istio objects against the CRDs in <c>../shared/fixtures/istio</c>: the served version's <c>openAPIV3Schema</c>
/// (NJsonSchema) plus the CEL rules those CRDs use (<c>x-kubernetes-validations</c>: durations ≥ 1ms, no '*' in names), reported
/// as the API server reports them: field causes for a 422 <c>Invalid</c>.
/// </summary>
public sealed partial class IstioCrdSchemas
{
    private static readonly Lazy<IstioCrdSchemas> SharedLazy = new(() => Load(RepoPaths.Fixture("istio")));
    private readonly Dictionary<(string Plural, string Version), (JsonSchema Schema, JsonObject Raw)> _schemas = new();

    /// <summary>The schemas from the shared fixtures, loaded once per process.</summary>
    public static IstioCrdSchemas Shared => SharedLazy.Value;

    public IReadOnlyCollection<(string Plural, string Version)> Served => _schemas.Keys;

    public static IstioCrdSchemas Load(string folder)
    {
        var result = new IstioCrdSchemas();
        foreach (var file in Directory.GetFiles(folder, "*.yaml"))
        {
            foreach (var crd in YamlJson.LoadObjects(file))
            {
                if ((string?)crd["kind"] != "CustomResourceDefinition") continue;
                var plural = (string)crd["spec"]!["names"]!["plural"]!;
                foreach (var v in crd["spec"]!["versions"]!.AsArray())
                {
                    if (v?["served"] is JsonValue s && !s.GetValue<bool>()) continue;
                    var raw = (JsonObject)v!["schema"]!["openAPIV3Schema"]!;
                    var schema = JsonSchema.FromJsonAsync(raw.ToJsonString()).GetAwaiter().GetResult();
                    result._schemas[(plural, (string)v["name"]!)] = (schema, raw);
                }
            }
        }
        if (result._schemas.Count == 0) throw new InvalidOperationException($"no CRD schemas found in {folder}");
        return result;
    }

    public bool Serves(string plural, string version) => _schemas.ContainsKey((plural, version));

    /// <summary>Field causes (empty when valid), e.g. <c>{reason: FieldValueInvalid, field: spec.http[0].route[0].weight}</c>.</summary>
    public IReadOnlyList<JsonObject> Validate(string plural, string version, JsonObject obj)
    {
        if (!_schemas.TryGetValue((plural, version), out var s))
            throw new InvalidOperationException($"{plural} {version} is not a served version of the fixture CRDs");
        var causes = new List<JsonObject>();
        foreach (var e in s.Schema.Validate(obj.ToJsonString()))
            Flatten(e, causes, obj);
        Cel(s.Raw, obj, "", causes);
        return causes;
    }

    /// <summary>Throws with every cause when <paramref name="obj"/> does not validate (test assertion helper).</summary>
    public void AssertValid(string plural, string version, JsonObject obj)
    {
        var causes = Validate(plural, version, obj);
        if (causes.Count > 0)
            throw new Xunit.Sdk.XunitException($"{plural}/{version} {(string?)obj["metadata"]?["name"]} violates the CRD schema:\n  "
                + string.Join("\n  ", causes.Select(c => c.ToJsonString())));
    }

    private static void Flatten(ValidationError e, List<JsonObject> causes, JsonObject obj)
    {
        if (e is ChildSchemaValidationError child && child.Errors.Count > 0 && e.Kind is not (ValidationErrorKind.NotOneOf or ValidationErrorKind.NotAnyOf))
        {
            foreach (var inner in child.Errors.Values.SelectMany(x => x)) Flatten(inner, causes, obj);
            return;
        }
        var field = FieldOf(e.Path);
        var reason = e.Kind switch
        {
            ValidationErrorKind.PropertyRequired => "FieldValueRequired",
            ValidationErrorKind.NotInEnumeration => "FieldValueNotSupported",
            _ => "FieldValueInvalid",
        };
        var value = Lookup(obj, field);
        var message = e.Kind == ValidationErrorKind.PropertyRequired
            ? "Required value"
            : $"Invalid value: {(value is null ? "null" : value.ToJsonString())}: {field} in body {Describe(e.Kind)}";
        causes.Add(new JsonObject { ["reason"] = reason, ["message"] = message, ["field"] = field });
    }

    private static string Describe(ValidationErrorKind kind) => kind switch
    {
        ValidationErrorKind.IntegerExpected => "must be of type integer",
        ValidationErrorKind.NumberExpected => "must be of type number",
        ValidationErrorKind.StringExpected => "must be of type string",
        ValidationErrorKind.BooleanExpected => "must be of type boolean",
        ValidationErrorKind.ObjectExpected => "must be of type object",
        ValidationErrorKind.ArrayExpected => "must be of type array",
        ValidationErrorKind.NotOneOf => "must validate one and only one schema (oneOf)",
        ValidationErrorKind.NotAnyOf => "must validate at least one schema (anyOf)",
        ValidationErrorKind.NotInEnumeration => "should be one of the enum values",
        _ => "is invalid: " + kind,
    };

    // NJsonSchema paths look like "#/spec.http[0].route[0].weight"; Kubernetes fields like "spec.http[0].route[0].weight".
    private static string FieldOf(string? path) => (path ?? "").TrimStart('#').TrimStart('/').Replace('/', '.');

    private static JsonNode? Lookup(JsonObject obj, string field)
    {
        JsonNode? cur = obj;
        foreach (Match m in FieldPart().Matches(field))
        {
            if (m.Groups["name"].Success) cur = cur is JsonObject o ? o[m.Groups["name"].Value] : null;
            else cur = cur is JsonArray a && int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture) is var i && i < a.Count ? a[i] : null;
        }
        return cur;
    }

    [GeneratedRegex(@"(?<name>[^.\[\]]+)|\[(?<index>\d+)\]")] private static partial Regex FieldPart();

    // The CEL rules in Istio's CRDs are few and fixed; evaluate those, walking schema and object together.
    private static void Cel(JsonObject schema, JsonNode? value, string field, List<JsonObject> causes)
    {
        if (value is null) return;
        if (schema["x-kubernetes-validations"] is JsonArray rules)
        {
            foreach (var rule in rules.OfType<JsonObject>())
            {
                var text = (string?)rule["rule"];
                var message = (string?)rule["message"] ?? $"failed rule: {text}";
                bool? ok = text switch
                {
                    "duration(self) >= duration('1ms')" => value is JsonValue v && v.TryGetValue<string>(out var d) ? GoDuration(d) is { } t ? t >= TimeSpan.FromMilliseconds(1) : null : null,
                    "!self.contains(\"*\")" => value is JsonValue sv && sv.TryGetValue<string>(out var s) ? !s.Contains('*') : true,
                    "self.all(key, !key.contains(\"*\"))" => value is JsonObject o1 ? o1.All(kv => !kv.Key.Contains('*')) : true,
                    "self.all(key, key.size() != 0)" => value is JsonObject o2 ? o2.All(kv => kv.Key.Length != 0) : true,
                    _ => true,
                };
                if (ok is null)
                    causes.Add(new JsonObject { ["reason"] = "FieldValueInvalid", ["field"] = field, ["message"] = $"Invalid value: {value.ToJsonString()}: {field} in body: invalid duration" });
                else if (ok == false)
                    causes.Add(new JsonObject { ["reason"] = "FieldValueInvalid", ["field"] = field, ["message"] = $"Invalid value: \"{(value is JsonValue ? (string?)value : "object")}\": {message}" });
            }
        }
        if (schema["properties"] is JsonObject props && value is JsonObject obj)
            foreach (var (name, sub) in props)
                if (sub is JsonObject subSchema && obj.TryGetPropertyValue(name, out var child))
                    Cel(subSchema, child, field.Length == 0 ? name : $"{field}.{name}", causes);
        if (schema["items"] is JsonObject items && value is JsonArray arr)
            for (int i = 0; i < arr.Count; i++) Cel(items, arr[i], $"{field}[{i}]", causes);
        if (schema["additionalProperties"] is JsonObject ap && value is JsonObject map)
            foreach (var (key, child) in map) Cel(ap, child, $"{field}[{key}]", causes);
    }

    /// <summary>Go's time.ParseDuration, as CEL's duration() reads it ("1.5s", "300ms", "1h2m"); null when malformed.</summary>
    public static TimeSpan? GoDuration(string text)
    {
        var m = GoDurationRegex().Match(text);
        if (!m.Success || text is "" or "+" or "-") return null;
        if (text.TrimStart('-', '+') == "0") return TimeSpan.Zero;
        double ticks = 0;
        foreach (Capture c in m.Groups["part"].Captures)
        {
            var pm = GoPartRegex().Match(c.Value);
            var n = double.Parse(pm.Groups["n"].Value, CultureInfo.InvariantCulture);
            ticks += n * pm.Groups["u"].Value switch
            {
                "ns" => 0.01, "us" or "µs" or "μs" => 10, "ms" => TimeSpan.TicksPerMillisecond, "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute, "h" => TimeSpan.TicksPerHour, _ => double.NaN,
            };
        }
        if (m.Groups["part"].Captures.Count == 0 || double.IsNaN(ticks)) return null;
        return TimeSpan.FromTicks((long)(text.StartsWith('-') ? -ticks : ticks));
    }

    [GeneratedRegex(@"^[-+]?(?<part>[0-9]*\.?[0-9]+(ns|us|µs|μs|ms|s|m|h))+$")] private static partial Regex GoDurationRegex();
    [GeneratedRegex(@"^(?<n>[0-9]*\.?[0-9]+)(?<u>ns|us|µs|μs|ms|s|m|h)$")] private static partial Regex GoPartRegex();
}

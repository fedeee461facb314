using System.Globalization;
using Bot.Core.Config;
using Bot.Core.Text;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config;

/// <summary>
/// Reads typed values out of YAML nodes and collects every error with file, line, field path and fix, so a config
/// reports all its problems at once. Section parsers (<see cref="IConfigSection"/>) use it; each read returns null
/// after recording an error.
/// </summary>
public sealed class ConfigReader(string file)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;
    public IReadOnlyList<ConfigError> Errors => _errors;

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    public void Error(YamlNode node, string path, string message, string? fix = null) =>
        _errors.Add(new ConfigError(File, (int)node.Start.Line, (int)node.Start.Column, path, message, fix));

    public void Error(int line, int column, string path, string message, string? fix = null) =>
        _errors.Add(new ConfigError(File, line, column, path, message, fix));

    /// <summary>The entries of a mapping; unknown keys are errors with a did-you-mean from <paramref name="known"/>.</summary>
    public IReadOnlyDictionary<string, YamlNode>? Mapping(YamlNode node, string path, IReadOnlyCollection<string> known, string? fix = null)
    {
        if (node is not YamlMappingNode map)
        {
            if (node is YamlScalarNode { Value: "" or null }) return new Dictionary<string, YamlNode>();
            Error(node, path, $"expected a mapping of {string.Join(", ", known)}", fix);
            return null;
        }
        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Children)
        {
            var key = (k as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(key))
            {
                var hint = Suggestions.Closest(key, known) is { } s ? $"did you mean '{s}'?" : $"remove it; known keys are {string.Join(", ", known)}";
                Error(k, Join(path, key), "unknown key", hint);
                continue;
            }
            entries[key] = v;
        }
        return entries;
    }

    public string? String(YamlNode node, string path, string fix)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } v } && !string.IsNullOrWhiteSpace(v)) return v.Trim();
        Error(node, path, node is YamlScalarNode ? "is empty" : "expected a text value", fix);
        return null;
    }

    public int? Int(YamlNode node, string path, int min, int max, string fix)
    {
        if (node is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
        {
            if (i >= min && i <= max) return i;
            Error(node, path, $"{i} is out of range {min}-{max}", fix);
            return null;
        }
        Error(node, path, $"'{Text(node)}' is not a whole number", fix);
        return null;
    }

    public double? Number(YamlNode node, string path, double min, double max, string fix)
    {
        if (node is YamlScalarNode { Value: { } v } && double.TryParse(v.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            if (d >= min && d <= max) return d;
            Error(node, path, $"{v} is out of range {min.ToString(CultureInfo.InvariantCulture)}-{max.ToString(CultureInfo.InvariantCulture)}", fix);
            return null;
        }
        Error(node, path, $"'{Text(node)}' is not a number", fix);
        return null;
    }

    public bool? Bool(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } v } && bool.TryParse(v, out var b)) return b;
        Error(node, path, $"'{Text(node)}' is not true or false", "write true or false");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } v } && Durations.TryParse(v, out var t)) return t;
        Error(node, path, $"'{Text(node)}' is not a duration", "write it like 30s, 10m, 2h, 1d or 1h30m");
        return null;
    }

    /// <summary>A list of non-empty strings; a single scalar is a list of one.</summary>
    public IReadOnlyList<string>? StringList(YamlNode node, string path, string fix)
    {
        if (node is YamlScalarNode { Value: "" or null }) return [];
        if (node is YamlScalarNode one) return String(one, path, fix) is { } s ? [s] : null;
        if (node is not YamlSequenceNode seq)
        {
            Error(node, path, "expected a list", fix);
            return null;
        }
        var list = new List<string>();
        var ok = true;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (String(seq.Children[i], $"{path}[{i}]", fix) is { } s) list.Add(s);
            else ok = false;
        }
        return ok ? list : null;
    }

    /// <summary>An enum value written in camelCase (case-insensitive), e.g. <c>onNewRevision: queue</c>.</summary>
    public T? Enum<T>(YamlNode node, string path) where T : struct, Enum
    {
        var names = System.Enum.GetNames<T>().Select(n => char.ToLowerInvariant(n[0]) + n[1..]).ToList();
        if (node is YamlScalarNode { Value: { } v } && System.Enum.TryParse<T>(v, ignoreCase: true, out var e) && System.Enum.IsDefined(e) && !v.Any(char.IsDigit))
            return e;
        var hint = Suggestions.Closest(Text(node), names) is { } s ? $"did you mean '{s}'? " : "";
        Error(node, path, $"'{Text(node)}' is not one of {string.Join(", ", names)}", $"{hint}use one of {string.Join("|", names)}".Trim());
        return null;
    }

    private static string Text(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlMappingNode => "{…}",
        YamlSequenceNode => "[…]",
        _ => "?",
    };
}

using Bot.Adapters.Prometheus;
using Bot.Core.Analysis;
using Bot.Core.Config;
using Bot.Core.Text;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config.Sections;

/// <summary>
/// <c>analysis</c>: automated canary analysis on Prometheus.
/// <code>
/// analysis:
///   prometheus: {url: http://prometheus.istio-system:9090, bearerTokenSetting: Analysis__Token}
///   interval: 1m                    # 10s to 1h
///   metrics:
///     - {name: successRate, min: 99, maxBelowStable: 1, minRequests: 100, critical: true}   # success %, points
///     - {name: latencyP99, max: 500, maxRatioToStable: 1.2}                                  # ms, ratio of medians
///     - {name: queueDepth, query: 'max(queue_depth{pod=~"{{canary}}-.*"})', max: 100}        # custom PromQL
/// </code>
/// Optional: <c>versionLabel</c> (tell canary and stable apart by that label instead of by workload), <c>confidence</c>
/// (0.98), <c>failureLimit</c> (2), <c>inconclusiveLimit</c> (3), <c>errorLimit</c> (4).
/// </summary>
public sealed class AnalysisSection : IConfigSection
{
    /// <summary>Requests per interval below which a metric gives no verdict, when <c>minRequests</c> is not written.</summary>
    public const long DefaultMinRequests = 100;

    private static readonly string[] Keys = ["prometheus", "interval", "metrics", "versionLabel", "confidence", "failureLimit", "inconclusiveLimit", "errorLimit"];
    private static readonly string[] PrometheusKeys = ["url", "bearerTokenSetting", "username", "passwordSetting", "caFile"];
    private static readonly string[] MetricKeys = ["name", "query", "stableQuery", "min", "max", "maxBelowStable", "maxRatioToStable", "minRequests", "critical"];
    private static readonly string[] BuiltIns = [AnalysisMetric.SuccessRate, AnalysisMetric.LatencyP99];

    public string Key => "analysis";

    public Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, Key, Keys) is not { } m) return null;
        var before = r.Errors.Count;

        PrometheusSpec? prometheus = null;
        if (!m.TryGetValue("prometheus", out var pn)) r.Error(node, "analysis.prometheus", "is required", "add prometheus: {url: http://prometheus.istio-system:9090}");
        else prometheus = ReadPrometheus(pn, r);

        var interval = TimeSpan.FromMinutes(1);
        if (m.TryGetValue("interval", out var iv) && r.Duration(iv, "analysis.interval") is { } i)
        {
            if (i < TimeSpan.FromSeconds(10) || i > TimeSpan.FromHours(1))
                r.Error(iv, "analysis.interval", $"{Durations.Format(i)} is out of range 10s-1h", "write an interval such as 1m (each verdict looks at one interval)");
            else interval = i;
        }

        var metrics = new List<AnalysisMetric>();
        if (!m.TryGetValue("metrics", out var mn)) r.Error(node, "analysis.metrics", "is required", "list metrics, e.g. - {name: successRate, min: 99}");
        else if (mn is not YamlSequenceNode seq || seq.Children.Count == 0)
            r.Error(mn, "analysis.metrics", "expected a non-empty list of metrics", "list metrics, e.g. - {name: successRate, min: 99}");
        else
            for (var k = 0; k < seq.Children.Count; k++)
                if (ReadMetric(seq.Children[k], $"analysis.metrics[{k}]", r) is { } metric)
                {
                    if (metrics.Any(x => x.Rule.Name == metric.Rule.Name))
                        r.Error(seq.Children[k], $"analysis.metrics[{k}].name", $"'{metric.Rule.Name}' is listed twice", "give each metric its own name");
                    metrics.Add(metric);
                }

        string? label = null;
        if (m.TryGetValue("versionLabel", out var ln)) label = r.String(ln, "analysis.versionLabel", "name the label, e.g. destination_version");
        double confidence = CanaryJudge.DefaultConfidence;
        if (m.TryGetValue("confidence", out var cn) && r.Number(cn, "analysis.confidence", 0.5, 0.9999, "write a confidence such as 0.98") is { } c) confidence = c;
        var policy = new AnalysisPolicy();
        if (m.TryGetValue("failureLimit", out var fl) && r.Int(fl, "analysis.failureLimit", 1, 100, "write how many failed intervals in a row roll back, e.g. 2") is { } f)
            policy = policy with { FailureLimit = f };
        if (m.TryGetValue("inconclusiveLimit", out var il) && r.Int(il, "analysis.inconclusiveLimit", 1, 100, "write how many intervals without a verdict ask a person, e.g. 3") is { } n)
            policy = policy with { InconclusiveLimit = n };
        if (m.TryGetValue("errorLimit", out var el) && r.Int(el, "analysis.errorLimit", 1, 100, "write how many failed queries in a row pause, e.g. 4") is { } e)
            policy = policy with { ErrorLimit = e };

        if (r.Errors.Count > before || prometheus is null) return null;
        var spec = new AnalysisSpec { Prometheus = prometheus, Interval = interval, Metrics = metrics, VersionLabel = label, Confidence = confidence, Policy = policy };
        return cfg => cfg with { Analysis = spec };
    }

    public void Validate(ReleaseConfig config, ConfigDocument document, ConfigReader reader)
    {
        if (config.Analysis is { VersionLabel: null } && config.Deployments is null && document.Sections.TryGetValue(Key, out var node))
            reader.Error(node, "analysis", "tells canary from stable by workload, which needs the deployments section",
                "add deployments: {canary, stable, image}, or set analysis.versionLabel (e.g. destination_version)");
    }

    private static PrometheusSpec? ReadPrometheus(YamlNode node, ConfigReader r)
    {
        if (r.Mapping(node, "analysis.prometheus", PrometheusKeys) is not { } p) return null;
        Uri? url = null;
        if (!p.TryGetValue("url", out var un)) r.Error(node, "analysis.prometheus.url", "is required", "add url: http://prometheus.istio-system:9090");
        else if (r.String(un, "analysis.prometheus.url", "write the Prometheus base URL") is { } u)
        {
            if (!Uri.TryCreate(u, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
                r.Error(un, "analysis.prometheus.url", $"'{u}' is not an http(s) URL", "write it like http://prometheus.istio-system:9090");
            else if (parsed.UserInfo.Length > 0)
                // A URL is written into errors and logs: credentials in it would be too.
                r.Error(un, "analysis.prometheus.url", "has credentials in it", "remove them from the URL; use username + passwordSetting or bearerTokenSetting");
            else url = parsed;
        }
        string? Setting(string key, string fix) => p.TryGetValue(key, out var n) ? r.String(n, $"analysis.prometheus.{key}", fix) : null;
        var bearer = Setting("bearerTokenSetting", "name the app setting that holds the token, e.g. Analysis__PrometheusToken");
        var user = Setting("username", "write the basic-auth user");
        var password = Setting("passwordSetting", "name the app setting that holds the password, e.g. Analysis__PrometheusPassword");
        var ca = Setting("caFile", "write the path of the CA's PEM file");
        if (bearer is not null && user is not null)
            r.Error(node, "analysis.prometheus", "has both a bearer token and basic auth", "keep one of bearerTokenSetting or username/passwordSetting");
        if ((user is null) != (password is null))
            r.Error(node, "analysis.prometheus", "basic auth needs both username and passwordSetting", "add the missing one");
        return url is null ? null : new PrometheusSpec { Url = url, BearerTokenSetting = bearer, Username = user, PasswordSetting = password, CaFile = ca };
    }

    private static AnalysisMetric? ReadMetric(YamlNode node, string path, ConfigReader r)
    {
        if (r.Mapping(node, path, MetricKeys, "write a metric like {name: successRate, min: 99}") is not { } m) return null;
        var before = r.Errors.Count;
        if (!m.TryGetValue("name", out var nn) || r.String(nn, $"{path}.name", "name the metric: successRate, latencyP99, or a name of yours with a query") is not { } name)
        {
            if (!m.ContainsKey("name")) r.Error(node, $"{path}.name", "is required", "name the metric: successRate, latencyP99, or a name of yours with a query");
            return null;
        }
        var query = m.TryGetValue("query", out var qn) ? r.String(qn, $"{path}.query", "write the PromQL") : null;
        var stableQuery = m.TryGetValue("stableQuery", out var sq) ? r.String(sq, $"{path}.stableQuery", "write the PromQL for stable") : null;
        var builtIn = BuiltIns.Contains(name, StringComparer.Ordinal);
        if (query is null && !m.ContainsKey("query") && !builtIn)
        {
            var hint = Suggestions.Closest(name, BuiltIns) is { } s ? $"did you mean '{s}'? " : "";
            r.Error(nn, $"{path}.name", $"'{name}' is not a built-in metric", $"{hint}use successRate or latencyP99, or give a query".TrimStart());
        }
        if (builtIn && (query is not null || stableQuery is not null))
            r.Error(qn ?? sq!, $"{path}.query", $"{name} is built in and takes no query", "remove the query, or give your metric another name");
        foreach (var (text, key, qnode) in new[] { (query, "query", qn), (stableQuery, "stableQuery", sq) })
            if (text is not null)
                foreach (var unknown in AnalysisQueries.UnknownPlaceholders(text))
                {
                    var hint = Suggestions.Closest(unknown, AnalysisQueries.Placeholders) is { } s ? $"did you mean '{{{{{s}}}}}'? " : "";
                    r.Error(qnode!, $"{path}.{key}", $"unknown placeholder '{{{{{unknown}}}}}'",
                        $"{hint}use {string.Join(", ", AnalysisQueries.Placeholders.Select(p => "{{" + p + "}}"))}".TrimStart());
                }

        if (query is not null && !query.Contains("{{canary}}", StringComparison.Ordinal) && !AnalysisQueries.UnknownPlaceholders(query).Any())
            r.Error(qn!, $"{path}.query", "has no {{canary}} placeholder, so it cannot tell the canary's value from stable's",
                "select the canary with {{canary}}, e.g. max(queue_depth{app=\"{{canary}}\"})");
        if (stableQuery is not null && !stableQuery.Contains("{{stable}}", StringComparison.Ordinal) && !AnalysisQueries.UnknownPlaceholders(stableQuery).Any())
            r.Error(sq!, $"{path}.stableQuery", "has no {{stable}} placeholder, so it cannot measure stable",
                "select stable with {{stable}}, e.g. max(queue_depth{app=\"{{stable}}\"})");

        var kind = name switch { AnalysisMetric.SuccessRate => MetricKind.ErrorRate, AnalysisMetric.LatencyP99 => MetricKind.Latency, _ => MetricKind.Value };
        double? Num(string key, double min, double max, string fix) =>
            m.TryGetValue(key, out var v) ? r.Number(v, $"{path}.{key}", min, max, fix) : null;
        var rule = new MetricRule { Name = name, Kind = kind, MinRequests = DefaultMinRequests };
        switch (kind)
        {
            case MetricKind.ErrorRate:
                // Written as success: min 99 (%) means an error rate of at most 1%; maxBelowStable 1 (point) at most stable's + 1 point.
                rule = rule with
                {
                    Max = Num("min", 0, 100, "write the lowest success rate in percent, e.g. 99") is { } sr ? (100 - sr) / 100 : null,
                    MaxAboveStable = Num("maxBelowStable", 0, 100, "write how many points below stable's success rate are allowed, e.g. 1") is { } pts ? pts / 100 : null,
                };
                Refuse(m, path, r, kind, "max", "maxRatioToStable");
                break;
            case MetricKind.Latency:
                rule = rule with
                {
                    Max = Num("max", 0, 3_600_000, "write the highest p99 in ms, e.g. 500"),
                    MaxRatioToStable = Num("maxRatioToStable", 1, 100, "write how many times stable's median the canary's may be, e.g. 1.2"),
                };
                Refuse(m, path, r, kind, "min", "maxBelowStable");
                break;
            default:
                rule = rule with { Max = Num("max", double.MinValue, double.MaxValue, "write a number"), Min = Num("min", double.MinValue, double.MaxValue, "write a number") };
                Refuse(m, path, r, kind, "maxBelowStable", "maxRatioToStable");
                break;
        }
        if (m.TryGetValue("minRequests", out var mr) && r.Int(mr, $"{path}.minRequests", 0, int.MaxValue, "write the fewest canary requests per interval that give a verdict, e.g. 100") is { } req)
            rule = rule with { MinRequests = req };
        if (m.TryGetValue("critical", out var cr) && r.Bool(cr, $"{path}.critical") is { } critical) rule = rule with { Critical = critical };
        if (rule is { Max: null, Min: null, MaxAboveStable: null, MaxRatioToStable: null } && r.Errors.Count == before)
            r.Error(node, path, $"{name} has no threshold, so it could never fail",
                kind switch
                {
                    MetricKind.ErrorRate => "add min (success %, e.g. 99) and/or maxBelowStable (points)",
                    MetricKind.Latency => "add max (ms) and/or maxRatioToStable (e.g. 1.2)",
                    _ => "add max and/or min",
                });
        return r.Errors.Count > before ? null : new AnalysisMetric(rule, query, stableQuery);
    }

    private static void Refuse(IReadOnlyDictionary<string, YamlNode> m, string path, ConfigReader r, MetricKind kind, params string[] keys)
    {
        foreach (var key in keys)
            if (m.TryGetValue(key, out var n))
                r.Error(n, $"{path}.{key}", $"does not apply to {(kind switch { MetricKind.ErrorRate => "successRate", MetricKind.Latency => "latencyP99", _ => "a custom metric" })}",
                    kind switch
                    {
                        MetricKind.ErrorRate => "successRate takes min (success %) and maxBelowStable (points)",
                        MetricKind.Latency => "latencyP99 takes max (ms) and maxRatioToStable",
                        _ => "a custom metric takes min and max",
                    });
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Bot.Core.Config;

namespace Bot.Adapters.Prometheus;

/// <summary>
/// PromQL for a service's analysis, from Istio's standard metrics (as Flagger queries them: <c>reporter="destination"</c>,
/// by destination workload) or from a custom template. Canary and stable are told apart by workload (the Deployments'
/// names) or, with <see cref="AnalysisSpec.VersionLabel"/>, by that label valued with the route's subsets.
/// </summary>
public static partial class AnalysisQueries
{
    /// <summary>The placeholders a custom query may use.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["canary", "stable", "namespace", "interval"];

    /// <summary>Latency series: this many sub-windows per interval, one p99 each, for the rank test.</summary>
    public const int SeriesPoints = 5;

    public sealed record Side(string Name, string Selector, string Value);

    public static (Side Canary, Side Stable) Sides(ReleaseConfig service, AnalysisSpec analysis)
    {
        var ns = $"destination_workload_namespace=\"{Escape(service.Namespace)}\"";
        if (analysis.VersionLabel is { } label)
            return (new("canary", $"reporter=\"destination\",{ns},{label}=\"{Escape(service.Route.CanarySubset)}\"", service.Route.CanarySubset),
                    new("stable", $"reporter=\"destination\",{ns},{label}=\"{Escape(service.Route.StableSubset)}\"", service.Route.StableSubset));
        var d = service.Deployments ?? throw new InvalidOperationException(
            $"{service.Service}: analysis by workload needs `deployments` (canary and stable names); or set analysis.versionLabel");
        return (new("canary", $"reporter=\"destination\",{ns},destination_workload=\"{Escape(d.Canary)}\"", d.Canary),
                new("stable", $"reporter=\"destination\",{ns},destination_workload=\"{Escape(d.Stable)}\"", d.Stable));
    }

    public static string Requests(Side side, TimeSpan window) => $"sum(increase(istio_requests_total{{{side.Selector}}}[{Range(window)}]))";

    public static string Errors(Side side, TimeSpan window) =>
        $"sum(increase(istio_requests_total{{{side.Selector},response_code=~\"5..\"}}[{Range(window)}]))";

    public static string LatencyP99(Side side, TimeSpan window) =>
        $"histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{{{side.Selector}}}[{Range(window)}])))";

    /// <summary>A custom template with its placeholders filled in.</summary>
    public static string Render(string template, ReleaseConfig service, AnalysisSpec analysis, TimeSpan interval)
    {
        var (canary, stable) = Sides(service, analysis);
        return Placeholder().Replace(template, m => m.Groups[1].Value switch
        {
            "canary" => canary.Value,
            "stable" => stable.Value,
            "namespace" => service.Namespace,
            "interval" => Range(interval),
            var other => throw new ArgumentException($"unknown placeholder {{{{{other}}}}} in query; use {string.Join(", ", Placeholders.Select(p => "{{" + p + "}}"))}"),
        });
    }

    /// <summary>Placeholders in <paramref name="template"/> that are not known (for validation).</summary>
    public static IReadOnlyList<string> UnknownPlaceholders(string template) =>
        [.. Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(p => !Placeholders.Contains(p)).Distinct()];

    /// <summary>A PromQL range duration: <c>10m</c>, <c>1m30s</c>, <c>2s</c>.</summary>
    public static string Range(TimeSpan t) => t.TotalSeconds >= 1 && t.Milliseconds == 0
        ? Durations.Format(t)
        : $"{Math.Max(1, (long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";

    private static string Escape(string v) => v.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    [GeneratedRegex(@"\{\{\s*([A-Za-z_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}

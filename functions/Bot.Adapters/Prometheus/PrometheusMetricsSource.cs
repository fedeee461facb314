using Bot.Core.Analysis;
using Bot.Core.Config;
using Bot.Core.Ports;

namespace Bot.Adapters.Prometheus;

/// <summary>
/// Measures a service's analysis on Prometheus at an explicit time. Per interval, for each side: requests and, for
/// <c>successRate</c>, 5xx responses (<c>increase</c> over the interval); for <c>latencyP99</c> the p99 over the interval and a
/// series of <see cref="AnalysisQueries.SeriesPoints"/> p99s of sub-windows (the rank test's samples); for custom metrics
/// the rendered query (and its stable twin). All queries of one measurement run at once.
/// </summary>
public sealed class PrometheusMetricsSource(Func<string?, PrometheusClient> clients, Func<string, string?> settings) : IMetricsSource
{
    public PrometheusMetricsSource(PrometheusClient client, Func<string, string?> settings) : this(_ => client, settings) { }

    public async Task<IReadOnlyList<MetricObservation>> MeasureAsync(ReleaseConfig service, AnalysisSpec analysis, DateTimeOffset at, CancellationToken ct)
    {
        var server = Endpoint(analysis.Prometheus);
        var client = clients(analysis.Prometheus.CaFile);
        var (canary, stable) = AnalysisQueries.Sides(service, analysis);
        var interval = analysis.Interval;
        Task<double?> Scalar(string q) => ScalarAsync(client, server, q, at, ct);

        var canaryRequests = Scalar(AnalysisQueries.Requests(canary, interval));
        var stableRequests = Scalar(AnalysisQueries.Requests(stable, interval));
        var pending = analysis.Metrics.Select(async metric =>
        {
            var rule = metric.Rule;
            switch (metric.IsBuiltIn ? rule.Name : null)
            {
                case AnalysisMetric.SuccessRate:
                {
                    var ce = Scalar(AnalysisQueries.Errors(canary, interval));
                    var se = Scalar(AnalysisQueries.Errors(stable, interval));
                    return new MetricObservation(rule, AnalysisQueries.Errors(canary, interval),
                        Counts(await canaryRequests, await ce), Counts(await stableRequests, await se));
                }
                case AnalysisMetric.LatencyP99:
                {
                    var step = interval / AnalysisQueries.SeriesPoints;
                    var cv = Scalar(AnalysisQueries.LatencyP99(canary, interval));
                    var sv = Scalar(AnalysisQueries.LatencyP99(stable, interval));
                    var cs = SeriesAsync(client, server, AnalysisQueries.LatencyP99(canary, step), at, interval, step, ct);
                    var ss = SeriesAsync(client, server, AnalysisQueries.LatencyP99(stable, step), at, interval, step, ct);
                    return new MetricObservation(rule, AnalysisQueries.LatencyP99(canary, interval),
                        new Sample { Requests = Count(await canaryRequests), Value = await cv, Series = await cs },
                        new Sample { Requests = Count(await stableRequests), Value = await sv, Series = await ss });
                }
                default:
                {
                    var query = AnalysisQueries.Render(metric.Query!, service, analysis, interval);
                    var cv = Scalar(query);
                    var sv = metric.StableQuery is { } sq ? Scalar(AnalysisQueries.Render(sq, service, analysis, interval)) : null;
                    return new MetricObservation(rule, query,
                        new Sample { Requests = Count(await canaryRequests), Value = await cv },
                        sv is null ? null : new Sample { Requests = Count(await stableRequests), Value = await sv });
                }
            }
        }).ToList();
        return await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private PrometheusEndpoint Endpoint(PrometheusSpec p) => new(p.Url,
        p.BearerTokenSetting is { } b ? settings(b) ?? throw Missing(b) : null,
        p.Username,
        p.PasswordSetting is { } s ? settings(s) ?? throw Missing(s) : null);

    private static PrometheusException Missing(string setting) =>
        new($"the app setting {setting} named by analysis.prometheus is not set; set it to the Prometheus credential");

    /// <summary>The one number a query gives; null when it gives no series or NaN (no data).</summary>
    private static async Task<double?> ScalarAsync(PrometheusClient client, PrometheusEndpoint server, string query, DateTimeOffset at, CancellationToken ct)
    {
        var result = await client.QueryAsync(server, query, at, ct).ConfigureAwait(false);
        if (result.Count > 1)
            throw new PrometheusException($"the query gave {result.Count} series where the analysis needs one number (aggregate it, e.g. sum(...)); query: {query}");
        return result.Count == 1 && result[0].Points is [{ Value: var v }] && !double.IsNaN(v) ? v : null;
    }

    private static async Task<IReadOnlyList<double>> SeriesAsync(PrometheusClient client, PrometheusEndpoint server, string query, DateTimeOffset at,
        TimeSpan interval, TimeSpan step, CancellationToken ct)
    {
        var result = await client.QueryRangeAsync(server, query, at - interval + step, at, step, ct).ConfigureAwait(false);
        return result.Count == 1 ? [.. result[0].Points.Select(p => p.Value).Where(v => !double.IsNaN(v) && !double.IsInfinity(v))] : [];
    }

    private static Sample Counts(double? requests, double? errors) => new() { Requests = Count(requests), Errors = errors is { } e ? (long)Math.Round(e) : 0 };

    private static long Count(double? v) => v is { } x && x > 0 ? (long)Math.Round(x) : 0;
}

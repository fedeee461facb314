using Bot.Adapters.Prometheus;
using Bot.Core.Analysis;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Bot.Functions.Analysis;

/// <summary>Canary analysis on Prometheus (release config <c>analysis</c>). Today: measured and judged on request,
/// <c>GET /api/rollouts/{id}/analysis</c>, changing nothing.</summary>
public static class AnalysisExtensions
{
    /// <summary>How long one Prometheus query may take. The default value is 10 seconds (<c>Analysis:QueryTimeout</c>).</summary>
    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromSeconds(10);

    public static IHostApplicationBuilder AddAnalysis(this IHostApplicationBuilder builder)
    {
        var timeout = builder.Configuration.GetValue("Analysis:QueryTimeout", DefaultQueryTimeout);
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromMinutes(5))
            throw new InvalidOperationException($"Analysis:QueryTimeout {timeout} must be between 00:00:01 and 00:05:00");
        builder.Services.AddSingleton(_ => new PrometheusClients(timeout));
        builder.Services.AddSingleton<IMetricsSource>(sp =>
        {
            var clients = sp.GetRequiredService<PrometheusClients>();
            var configuration = sp.GetRequiredService<IConfiguration>();
            // Setting names as written in the release config (Analysis__Token) or with ':' (Analysis:Token).
            return new PrometheusMetricsSource(clients.For, name => configuration[name.Replace("__", ":", StringComparison.Ordinal)]);
        });
        return builder;
    }

    /// <summary><c>GET /api/rollouts/{id}/analysis</c>: the rollout's metrics measured now and judged, with the evidence.
    /// 404: no such rollout, or its config has no <c>analysis</c>; 503 problem: Prometheus did not answer or refused.</summary>
    public static async Task<IResult> GetAsync(string id, IRolloutStore store, IMetricsSource metrics, TimeProvider time, CancellationToken ct)
    {
        if (await Api.CommandApi.FindAsync(store, id, ct) is not { } rollout) return NotFound($"no rollout '{id}'");
        if (rollout.Config.Analysis is not { } analysis)
            return NotFound($"{rollout.Service} has no analysis section in its release config ({rollout.Config.Source}); add analysis: {{prometheus, metrics}}");

        var at = time.GetUtcNow();
        IReadOnlyList<MetricObservation> observations;
        try
        {
            observations = await metrics.MeasureAsync(rollout.Config, analysis, at, ct);
        }
        catch (PrometheusException e)
        {
            return TypedResults.Problem(title: "Prometheus unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var result = CanaryJudge.Judge(observations, analysis.Interval, analysis.Confidence);
        return TypedResults.Ok(new AnalysisView(rollout.Id, rollout.Service, at, Core.Config.Durations.Format(analysis.Interval),
            Name(result.Verdict), result.CriticalFailure, result.Summary,
            [.. result.Metrics.Select(MetricView.From)]));
    }

    /// <summary>pass, fail, noVerdict.</summary>
    private static string Name(Verdict v) => v == Verdict.NoVerdict ? "noVerdict" : v.ToString().ToLowerInvariant();

    private static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(title: "Not found", detail: detail, statusCode: StatusCodes.Status404NotFound);

    public sealed record AnalysisView(string Rollout, string Service, DateTimeOffset At, string Interval, string Verdict, bool CriticalFailure,
        string Summary, IReadOnlyList<MetricView> Metrics);

    public sealed record MetricView(string Metric, string Verdict, bool Critical, string Query, double? Canary, double? Stable, string Threshold,
        long CanaryRequests, long? StableRequests, double? PValue, string Decision)
    {
        public static MetricView From(MetricEvidence m) => new(m.Metric, Name(m.Verdict),
            m.Critical, m.Query, m.Canary, m.Stable, m.Threshold, m.CanaryRequests, m.StableRequests, m.PValue, m.Decision);
    }
}

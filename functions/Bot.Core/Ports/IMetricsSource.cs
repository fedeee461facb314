using Bot.Core.Analysis;
using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>Measures a service's analysis metrics for canary and stable over the interval that ends at <c>at</c>
/// (the injected clock, so a verdict can be reproduced). Throws when the source cannot answer; the engine counts that
/// as an error (<see cref="AnalysisResponse.Error"/>), never as a verdict.</summary>
public interface IMetricsSource
{
    Task<IReadOnlyList<MetricObservation>> MeasureAsync(ReleaseConfig service, AnalysisSpec analysis, DateTimeOffset at, CancellationToken ct);
}

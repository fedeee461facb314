using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Bot.Core.Analysis;
using Bot.Functions.Analysis;

namespace Bot.Functions.Api;

/// <summary><c>GET /api/rollouts/{id}/analysis</c> (command API key): <see cref="AnalysisExtensions.GetAsync"/>.</summary>
public sealed class RolloutAnalysisTrigger(ApiKeyFilter keys, IRolloutStore store, IMetricsSource metrics, TimeProvider time)
{
    public const string Name = "RolloutAnalysis";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "rollouts/{id}/analysis")] HttpRequest req, string id, CancellationToken ct)
    {
        if (keys.Refuse(req) is { } no) return no;
        return await HttpAnswer.Of(AnalysisExtensions.GetAsync(id, store, metrics, time, ct));
    }
}

using System.Text.Json.Nodes;
using Bot.Core.Ports;

namespace Bot.Adapters.Kubernetes;

/// <summary>kubectl's <c>rollout status</c> rules for a Deployment (see protocols.md §6.3), as a pure function of the object.</summary>
public static class DeploymentRolloutStatus
{
    public static DeploymentReadiness Evaluate(JsonObject deployment)
    {
        var name = (string?)deployment["metadata"]?["name"] ?? "?";
        var spec = deployment["spec"] as JsonObject ?? [];
        var status = deployment["status"] as JsonObject ?? [];
        long generation = Long(deployment["metadata"]?["generation"]);
        long observed = Long(status["observedGeneration"]);
        if (spec["paused"] is JsonValue p && p.TryGetValue<bool>(out var paused) && paused)
            return new(ReadinessState.Progressing, $"deployment \"{name}\" is paused; its rollout is not tracked until it is resumed");
        if (generation > observed)
            return new(ReadinessState.Progressing, $"Waiting for deployment spec update to be observed (generation {generation}, observed {observed})...");
        var progressing = (status["conditions"] as JsonArray ?? []).FirstOrDefault(c => (string?)c?["type"] == "Progressing");
        if ((string?)progressing?["reason"] == "ProgressDeadlineExceeded")
            return new(ReadinessState.Failed, $"deployment \"{name}\" exceeded its progress deadline: {(string?)progressing?["message"]}");
        long want = spec["replicas"] is null ? 1 : Long(spec["replicas"]);
        long updated = Long(status["updatedReplicas"]), replicas = Long(status["replicas"]), available = Long(status["availableReplicas"]);
        if (updated < want)
            return new(ReadinessState.Progressing, $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {want} new replicas have been updated...");
        if (replicas > updated)
            return new(ReadinessState.Progressing, $"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination...");
        if (available < updated)
            return new(ReadinessState.Progressing, $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...");
        return new(ReadinessState.Ready, $"deployment \"{name}\" successfully rolled out");
    }

    private static long Long(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) ? l : 0;
}

using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>Sets Deployment images and reports readiness (kubectl's rollout rules).</summary>
public interface IDeploymentController
{
    Task SetCanaryImageAsync(TrafficTarget target, string image, CancellationToken ct);
    Task<DeploymentReadiness> GetCanaryReadinessAsync(TrafficTarget target, CancellationToken ct);
    /// <summary>Moves the stable Deployment to <paramref name="image"/>; readiness is then polled with <see cref="GetStableReadinessAsync"/>.</summary>
    Task SetStableImageAsync(TrafficTarget target, string image, CancellationToken ct);
    Task<DeploymentReadiness> GetStableReadinessAsync(TrafficTarget target, CancellationToken ct);
    Task ScaleCanaryAsync(TrafficTarget target, int replicas, CancellationToken ct);
}

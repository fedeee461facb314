using Bot.Core.Ports;

namespace Bot.Core.Execution;

/// <summary>For services whose Deployments the bot does not manage (or until Kubernetes is configured): records image
/// and scale requests and reports every Deployment ready.</summary>
public sealed class NullDeploymentController : IDeploymentController
{
    private readonly object _gate = new();
    private readonly List<RecordedCall> _calls = [];

    public IReadOnlyList<RecordedCall> Calls { get { lock (_gate) return [.. _calls]; } }

    public Task SetCanaryImageAsync(TrafficTarget target, string image, CancellationToken ct) => Record("setCanaryImage", target, image);
    public Task SetStableImageAsync(TrafficTarget target, string image, CancellationToken ct) => Record("setStableImage", target, image);
    public Task ScaleCanaryAsync(TrafficTarget target, int replicas, CancellationToken ct) =>
        Record("scaleCanary", target, replicas.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public Task<DeploymentReadiness> GetCanaryReadinessAsync(TrafficTarget target, CancellationToken ct) =>
        Task.FromResult(new DeploymentReadiness(ReadinessState.Ready, "not managed by the bot"));

    public Task<DeploymentReadiness> GetStableReadinessAsync(TrafficTarget target, CancellationToken ct) =>
        Task.FromResult(new DeploymentReadiness(ReadinessState.Ready, "not managed by the bot"));

    private Task Record(string op, TrafficTarget target, string arg)
    {
        lock (_gate) _calls.Add(new RecordedCall(op, RecordingTrafficRouter.Key(target), arg));
        return Task.CompletedTask;
    }
}

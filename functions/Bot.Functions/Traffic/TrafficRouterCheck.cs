using Bot.Adapters.Kubernetes;
using Bot.Core.Ports;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Traffic;

/// <summary>Fails start-up when no router is registered for the configured mode.</summary>
internal sealed class TrafficRouterCheck(IServiceProvider services, IOptions<TrafficOptions> options, ILogger<TrafficRouterCheck> log) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var router = services.GetService<ITrafficRouter>() ?? throw new InvalidOperationException(
            $"Traffic:Mode is '{options.Value.Mode}' but no traffic router is registered: configure Kubernetes (AddKubernetes, Kubernetes:* settings) " +
            "or set Traffic__Mode=recording for a dry run that moves no traffic");
        if (options.Value.Mode == "recording")
            log.LogWarning("Traffic:Mode=recording: rollouts move NO traffic; calls are recorded{File}", options.Value.RecordFile is { } f ? $" to {f}" : "");
        else
            log.LogInformation("traffic router: {Router}", router.GetType().Name);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Bot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>Registers the Kubernetes client factory, <see cref="IDeploymentController"/> and the Istio <see cref="ITrafficRouter"/>,
    /// with <see cref="KubernetesOptions"/> bound from the <c>Kubernetes</c> section. Clients connect lazily per cluster context.</summary>
    public static IServiceCollection AddKubernetes(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(KubernetesOptions.Section).Get<KubernetesOptions>() ?? new KubernetesOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(sp => new KubernetesClientFactory(options, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IDeploymentController, KubernetesDeploymentController>();
        services.AddSingleton<ITrafficRouter>(sp => new IstioTrafficRouter(
            sp.GetRequiredService<KubernetesClientFactory>(), options, sp.GetRequiredService<IDeploymentController>(),
            sp.GetService<ILogger<IstioTrafficRouter>>()));
        return services;
    }
}

using Bot.Adapters.Kubernetes;
using Bot.Core.Ports;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Traffic;

public static class TrafficExtensions
{
    /// <summary>Binds <c>Traffic</c>. With <c>Traffic:Mode=recording</c> registers the recording router; with
    /// <c>istio</c> (the default) adds the Kubernetes adapter (Istio router, Deployment controller; section <c>Kubernetes</c>).
    /// Start-up fails with a clear message when no router ends up registered, rather than silently moving no traffic.</summary>
    public static IHostApplicationBuilder AddTrafficRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrafficOptions>().BindConfiguration(TrafficOptions.Section)
            .Validate(o => o.Mode is "istio" or "recording", "Traffic:Mode must be 'istio' (the default; needs Kubernetes configured) or 'recording' (dry run: moves no traffic)")
            .ValidateOnStart();
        var mode = builder.Configuration[$"{TrafficOptions.Section}:Mode"] ?? "istio";
        if (mode == "istio")
        {
            builder.Services.AddKubernetes(builder.Configuration);
        }
        else if (mode == "recording")
        {
            builder.Services.AddSingleton(sp => FileRecordingTrafficRouter.Create(sp.GetRequiredService<IOptions<TrafficOptions>>().Value.RecordFile));
            builder.Services.AddSingleton<ITrafficRouter>(sp => sp.GetRequiredService<Bot.Core.Execution.RecordingTrafficRouter>());
        }
        builder.Services.AddHostedService<TrafficRouterCheck>();
        return builder;
    }
}

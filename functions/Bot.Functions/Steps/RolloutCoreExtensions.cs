using Bot.Core.Commands;
using Bot.Adapters.Config;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Steps;

public static class RolloutCoreExtensions
{
    /// <summary>The engine and its executor, the release config folder, and the <c>rollout-steps</c> queue with its handler
    /// and the <see cref="IStepScheduler"/> that puts steps on it (needs an <c>IQueueService</c>: <c>AddStorage()</c>).
    /// Ports not registered by an adapter fall back to: no Deployment management (<see cref="NullDeploymentController"/>),
    /// The executor's <see cref="INotifier"/> is the notifications outbox (<c>AddNotifications()</c>): notices only go on
    /// the <c>notifications</c> queue; Slack and GitHub register delivery targets with <c>AddNotificationTarget</c>.</summary>
    public static IHostApplicationBuilder AddRolloutCore(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ExecutorOptions>().BindConfiguration(ExecutorOptions.Section)
            .Validate(o => o.MaxConflictRetries is >= 1 and <= 1000 && o.MaxFeedbackRounds is >= 1 and <= 100,
                "Executor:MaxConflictRetries must be 1-1000 and Executor:MaxFeedbackRounds 1-100")
            .ValidateOnStart();
        services.AddOptions<ReleaseConfigOptions>().BindConfiguration(ReleaseConfigOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Directory), "ReleaseConfig:Directory is empty: set it to the folder of release configs (e.g. config/services)")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        // Every decision sees the freezes and cron evaluator as of the last refresh (AddFreezes; no I/O inside Decide).
        services.TryAddSingleton<RolloutDecider>(sp => sp.GetService<Bot.Adapters.Freezes.FreezeCache>() is { } freezes
            ? (state, input, now) => RolloutMachine.Decide(state, input, now, freezes.Current)
            : RolloutMachine.Decide);
        services.TryAddSingleton<KeyedLock>();
        services.TryAddSingleton<IDeploymentController, NullDeploymentController>();
        services.TryAddSingleton<IReleaseConfigs, ConfigFolderReleaseConfigs>();
        services.AddSingleton(sp => new RolloutExecutor(
            sp.GetRequiredService<IRolloutStore>(),
            sp.GetRequiredService<ITrafficRouter>(),
            sp.GetRequiredService<IDeploymentController>(),
            sp.GetRequiredService<INotifier>(), // the notifications outbox (AddNotifications): enqueue only
            sp.GetRequiredService<IStepScheduler>(),
            sp.GetRequiredService<IAuditLog>(),
            sp.GetRequiredService<RolloutDecider>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<ExecutorOptions>>().Value,
            sp.GetRequiredService<KeyedLock>(),
            sp.GetService<IMetricsSource>())); // canary analysis (AddAnalysis); without it a measurement is an error, never a verdict
        services.TryAddSingleton<IRolloutRunner>(sp => sp.GetRequiredService<RolloutExecutor>());
        // The one command path of every surface; freezes and restores when their parts are registered (AddFreezes, AddOrphanGuard).
        services.TryAddSingleton(sp => new CommandPipeline(
            sp.GetRequiredService<IRolloutStore>(), sp.GetRequiredService<IRolloutRunner>(), sp.GetRequiredService<IReleaseConfigs>(),
            sp.GetRequiredService<IAuditLog>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetService<Bot.Adapters.Freezes.FreezeService>(), sp.GetService<Orphans.OrphanRestore>()));

        // The rollout-steps queue: steps put hidden until due (IStepScheduler) and done by its trigger.
        services.TryAddWorkQueue<StepWork>(RolloutStepsTrigger.Name, RolloutStepsTrigger.Queue);
        services.TryAddSingleton<IWorkHandler<StepWork>, RolloutStepHandler>();
        services.TryAddSingleton<IStepScheduler, QueueStepScheduler>();
        return builder;
    }
}

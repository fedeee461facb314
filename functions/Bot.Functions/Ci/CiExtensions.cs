using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Steps;
using Bot.Functions.Sweep;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Ci;

public static class CiExtensions
{
    /// <summary>
    /// CI webhooks (<c>Ci</c> section), deploy windows, freezes and cron slots in every decision, the due index that
    /// follows every commit, and the due sweep the <c>Sweep</c> timer runs. Call after <c>AddStorage()</c> and
    /// <c>AddRolloutCore()</c>: it wraps the rollout store and replaces the decider with the gated one.
    /// </summary>
    public static IHostApplicationBuilder AddCi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CiOptions>().BindConfiguration("Ci")
            .Validate(o => o.SignatureTolerance > TimeSpan.Zero && o.SignatureTolerance <= TimeSpan.FromHours(1), "Ci:SignatureTolerance must be between 00:00:01 and 01:00:00")
            .Validate(o => o.DedupWindow >= TimeSpan.FromMinutes(10), "Ci:DedupWindow must be at least 00:10:00 (CI systems redeliver for hours)")
            .ValidateOnStart();
        services.AddOptions<SweepOptions>()
            .Validate(o => o.ReminderInterval >= TimeSpan.Zero && o.MaxItems is >= 1 and <= 100_000 && o.Parallelism is >= 1 and <= 256 && o.FreezeRefresh >= TimeSpan.FromSeconds(1),
                "Sweep: ReminderInterval >= 0 (00:00:00 turns reminders off), MaxItems 1-100000, Parallelism 1-256, FreezeRefresh >= 00:00:01")
            .ValidateOnStart();

        services.TryAddSingleton<ICronEvaluator>(NCrontabEvaluator.Instance);
        services.TryAddSingleton<IFreezeStore>(sp => new TableFreezeStore(sp.GetRequiredService<ITableService>()));
        services.TryAddSingleton<IDueIndex>(sp => new TableDueIndex(sp.GetRequiredService<ITableService>()));
        services.TryAddSingleton(sp => new FreezeCache(sp.GetRequiredService<IFreezeStore>(), sp.GetRequiredService<ICronEvaluator>()));
        services.TryAddSingleton<FreezeService>();
        services.AddHostedService<FreezeRefresher>();

        // Every decision sees the freezes and cron evaluator as of the last refresh (no I/O inside Decide).
        services.Replace(ServiceDescriptor.Singleton<RolloutDecider>(sp =>
        {
            var cache = sp.GetRequiredService<FreezeCache>();
            return (state, input, now) => RolloutMachine.Decide(state, input, now, cache.Current);
        }));

        // The due index follows every commit of rollout state.
        var store = services.LastOrDefault(d => d.ServiceType == typeof(IRolloutStore))
            ?? throw new InvalidOperationException("AddCi() needs an IRolloutStore: call builder.AddStorage() first");
        services.Remove(store);
        services.AddSingleton<IRolloutStore>(sp => new DueIndexingRolloutStore(
            (IRolloutStore)(store.ImplementationInstance ?? store.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, store.ImplementationType!)),
            sp.GetRequiredService<IDueIndex>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SweepOptions>>()));

        services.TryAddSingleton(sp => new DueSweeper(
            sp.GetRequiredService<IDueIndex>(), sp.GetRequiredService<IRolloutStore>(), sp.GetRequiredService<IStepScheduler>(),
            sp.GetRequiredService<RolloutExecutor>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SweepOptions>>()));
        return builder;
    }
}

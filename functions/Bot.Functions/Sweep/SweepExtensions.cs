using Bot.Core.Calendar;
using Bot.Core.Execution;
using Bot.Core.Ports;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Sweep;

public static class SweepExtensions
{
    /// <summary>
    /// The <c>Sweep</c> timer's work (section <c>Sweep</c>): <see cref="SweepFunction"/> and the <see cref="DueSweeper"/>
    /// over the due index. The due index itself follows every commit through the rollout store <c>AddStorage()</c>
    /// registers (<see cref="DueIndexingRolloutStore"/>). Order-free: it only adds what nothing else registers.
    /// </summary>
    public static IHostApplicationBuilder AddSweep(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.Section)
            .Validate(o => o.OverdueGrace >= TimeSpan.Zero, "Sweep:OverdueGrace must not be negative (e.g. 00:02:00)")
            .Validate(o => o.ReminderInterval >= TimeSpan.Zero && o.MaxItems is >= 1 and <= 100_000 && o.Parallelism is >= 1 and <= 256 && o.FreezeRefresh >= TimeSpan.FromSeconds(1),
                "Sweep: ReminderInterval >= 0 (00:00:00 turns reminders off), MaxItems 1-100000, Parallelism 1-256, FreezeRefresh >= 00:00:01")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new DueSweeper(
            sp.GetRequiredService<IDueIndex>(), sp.GetRequiredService<IRolloutStore>(), sp.GetRequiredService<IStepScheduler>(),
            sp.GetRequiredService<RolloutExecutor>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SweepOptions>>()));
        services.TryAddSingleton<SweepFunction>();
        return builder;
    }
}

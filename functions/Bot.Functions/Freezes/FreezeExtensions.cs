using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Bot.Core.Freezes;
using Bot.Adapters.Freezes;

namespace Bot.Functions.Freezes;

public static class FreezeExtensions
{
    /// <summary>
    /// Freezes (table <c>freezes</c>): the store, the <see cref="FreezeCache"/> every decision reads (the decider of
    /// <c>AddRolloutCore()</c> takes it when registered), the <see cref="FreezeService"/> the command API, Slack and GitHub
    /// call, and the <see cref="FreezeRefresher"/> (every <c>Sweep:FreezeRefresh</c>). The cron evaluator of deploy windows
    /// and cron slots is registered here too, since the cache hands it to every decision. Order-free.
    /// </summary>
    public static IHostApplicationBuilder AddFreezes(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<ICronEvaluator>(NCrontabEvaluator.Instance);
        services.TryAddSingleton<IFreezeStore>(sp => new TableFreezeStore(sp.GetRequiredService<ITableService>()));
        services.TryAddSingleton(sp => new FreezeCache(sp.GetRequiredService<IFreezeStore>(), sp.GetRequiredService<ICronEvaluator>()));
        services.TryAddSingleton<FreezeService>();
        services.AddHostedService<FreezeRefresher>();
        return builder;
    }
}

using Bot.Adapters.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Hosting;

public static class WorkQueueExtensions
{
    /// <summary>Registers the <typeparamref name="TQueue"/> singleton (unless one is registered) on the queue that
    /// <c>functions/&lt;<paramref name="function"/>&gt;/function.json</c> triggers on, or <paramref name="defaultQueue"/>
    /// when no function catalog is registered. Needs an <see cref="IQueueService"/>.</summary>
    public static IServiceCollection TryAddWorkQueue<TQueue>(this IServiceCollection services, string function, string defaultQueue,
        Func<IQueueService, string, TQueue> create) where TQueue : WorkQueue
    {
        services.TryAddSingleton(sp => create(sp.GetRequiredService<IQueueService>(),
            sp.GetService<FunctionCatalog>()?.QueueOf(function) ?? defaultQueue));
        return services;
    }
}

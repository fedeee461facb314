using Bot.Adapters.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Hosting;

public static class WorkQueueExtensions
{
    /// <summary>Registers the <typeparamref name="TQueue"/> singleton (unless one is registered) on the queue that
    /// function <paramref name="function"/> of functions.metadata triggers on, or <paramref name="defaultQueue"/>
    /// when no function catalog is registered; its messages wait for the queue trigger (no prompt run: for work whose
    /// latency does not matter and whose order the trigger's batches keep, such as notifications).</summary>
    public static IServiceCollection TryAddWorkQueue<TQueue>(this IServiceCollection services, string function, string defaultQueue,
        Func<IQueueService, string, TQueue> create) where TQueue : WorkQueue
    {
        services.TryAddSingleton(sp => create(sp.GetRequiredService<IQueueService>(), sp.GetService<FunctionCatalog>()?.QueueOf(function) ?? defaultQueue));
        return services;
    }

    /// <summary>Registers the <typeparamref name="TQueue"/> singleton (unless one is registered) on the queue that
    /// function <paramref name="function"/> of functions.metadata triggers on, or <paramref name="defaultQueue"/>
    /// when no function catalog is registered. Needs an <see cref="IQueueService"/>. <typeparamref name="TFunction"/>, the
    /// queue's own function when it is registered in this process, becomes the <see cref="WorkQueue.Runner"/>: what is put
    /// on the queue is done here at once (<see cref="WorkQueue"/>, prompt run), unless <c>Bot:RunTriggers</c> is false.</summary>
    public static IServiceCollection TryAddWorkQueue<TQueue, TFunction>(this IServiceCollection services, string function, string defaultQueue,
        Func<IQueueService, string, TQueue> create) where TQueue : WorkQueue where TFunction : WorkQueueFunction
    {
        services.TryAddSingleton(sp =>
        {
            var queue = create(sp.GetRequiredService<IQueueService>(), sp.GetService<FunctionCatalog>()?.QueueOf(function) ?? defaultQueue);
            // Bot:RunTriggers=false (the work is left to another process) turns prompt runs off too.
            if (sp.GetService<IConfiguration>()?.GetValue($"{BotHostOptions.Section}:RunTriggers", true) != false) queue.Runner = sp.GetService<TFunction>();
            queue.Log = sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(TQueue));
            return queue;
        });
        return services;
    }
}

using Bot.Adapters.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Functions.Hosting;

public static class WorkQueueExtensions
{
    /// <summary>Registers the <see cref="WorkQueue{TWork}"/> singleton (unless one is registered) on the queue that function
    /// <paramref name="function"/> of functions.metadata triggers on, or <paramref name="defaultQueue"/> when no function
    /// catalog is registered. Needs an <see cref="IQueueService"/>. Its work is done by the <see cref="IWorkHandler{TWork}"/>
    /// registered for it; with <paramref name="promptRuns"/>, what is put is done here at once when that handler is
    /// registered in this process (<see cref="WorkQueue"/>, prompt run), unless <c>Bot:RunTriggers</c> is false. Without,
    /// messages wait for the queue trigger: for work whose latency does not matter and whose order the trigger's batches
    /// keep, such as notifications. <paramref name="noHandler"/> says why a handler may be missing (the reason a message
    /// that arrives anyway is poisoned with).</summary>
    public static IServiceCollection TryAddWorkQueue<TWork>(this IServiceCollection services, string function, string defaultQueue,
        bool promptRuns = false, string? noHandler = null) where TWork : class, IWorkMessage<TWork>
    {
        services.TryAddSingleton(sp =>
        {
            var queue = new WorkQueue<TWork>(sp.GetRequiredService<IQueueService>(), sp.GetService<FunctionCatalog>()?.QueueOf(function) ?? defaultQueue,
                sp.GetRequiredService<IServiceScopeFactory>(), noHandler) { Log = sp.GetService<ILoggerFactory>()?.CreateLogger<WorkQueue<TWork>>() };
            // Bot:RunTriggers=false (the work is left to another process) turns prompt runs off too.
            queue.RunsHere = promptRuns
                && sp.GetService<IConfiguration>()?.GetValue($"{BotHostOptions.Section}:RunTriggers", true) != false
                && sp.GetService<IServiceProviderIsService>()?.IsService(typeof(IWorkHandler<TWork>)) == true;
            return queue;
        });
        return services;
    }
}

using Bot.Adapters.Storage;
using Bot.Functions.Hosting;
using Bot.Functions.Invocations;

namespace Bot.Functions.Standalone;

/// <summary>Starts a <see cref="QueueListener"/> per queue-triggered function and a <see cref="TimerRunner"/> per
/// timer-triggered function found in the catalog. Fails start-up when a function has no handler.</summary>
public sealed class StandaloneTriggers(
    FunctionCatalog catalog, FunctionHandlers handlers, IQueueService queues, ITableService tables,
    TimeProvider time, ILoggerFactory loggers) : IHostedService
{
    private readonly List<BackgroundService> _running = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var f in catalog.Functions.Where(f => !f.IsHttp))
        {
            var handler = handlers.Find(f.Name)
                ?? throw new InvalidOperationException($"{f.Path}: no handler is registered for function '{f.Name}' (AddFunctionHandler<T>())");
            BackgroundService service = f.IsQueue
                ? new QueueListener(f, catalog.Queues, handler, queues, tables, time, loggers.CreateLogger<QueueListener>())
                : f.IsTimer
                    ? new TimerRunner(f, handler, time, loggers.CreateLogger<TimerRunner>())
                    : throw new InvalidOperationException($"{f.Path}: trigger type '{f.TriggerType}' is not supported in standalone mode");
            _running.Add(service);
            await service.StartAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_running.Select(s => s.StopAsync(cancellationToken)));
        foreach (var s in _running) s.Dispose();
    }
}

using Bot.Adapters.Storage;
using Bot.Functions.Hosting;

namespace Bot.Functions.Standalone;

/// <summary>Starts a <see cref="QueueListener"/> per queue-triggered function and a <see cref="TimerRunner"/> per
/// timer-triggered function of functions.metadata, each invoking the function's own method in a fresh DI scope
/// (<see cref="FunctionInvoker"/>). Timer schedules given as <c>%AppSetting%</c> are read from configuration.</summary>
public sealed class StandaloneTriggers(
    FunctionCatalog catalog, IServiceScopeFactory scopes, IConfiguration configuration, IQueueService queues, ITableService tables,
    TimeProvider time, ILoggerFactory loggers) : IHostedService
{
    private readonly List<BackgroundService> _running = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var f in catalog.Functions.Where(f => !f.IsHttp))
        {
            var invoker = new FunctionInvoker(f, typeof(StandaloneTriggers).Assembly);
            BackgroundService service = f.IsQueue
                ? new QueueListener(f, catalog.Queues, async (text, ct) =>
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await invoker.InvokeQueueAsync(scope.ServiceProvider, text, ct);
                }, queues, tables, time, loggers.CreateLogger<QueueListener>())
                : f.IsTimer
                    ? new TimerRunner(f, TimerRunner.ParseSchedule(f.Name, FunctionCatalog.Resolve(f.Schedule!, configuration, $"{f.Name} schedule")),
                        async (timer, ct) =>
                        {
                            await using var scope = scopes.CreateAsyncScope();
                            await invoker.InvokeTimerAsync(scope.ServiceProvider, timer, ct);
                        }, time, loggers.CreateLogger<TimerRunner>())
                    : throw new InvalidOperationException($"{f.Path}: {f.Name}'s trigger type '{f.TriggerType}' is not supported in standalone mode");
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

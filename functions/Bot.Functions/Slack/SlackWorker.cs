namespace Bot.Functions.Slack;

/// <summary>Drains <see cref="SlackWorkQueue"/>, a few items at a time; one failure never stops the loop.</summary>
public sealed class SlackWorker(SlackWorkQueue queue, IServiceScopeFactory scopes, ILogger<SlackWorker> log) : BackgroundService
{
    private const int Parallelism = 4;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(queue.ReadAllAsync(stoppingToken), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = stoppingToken },
            async (work, ct) =>
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<ISlackWorkProcessor>().ProcessAsync(work, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogError(e, "Slack work {Kind} failed", work.GetType().Name);
                }
            });
}

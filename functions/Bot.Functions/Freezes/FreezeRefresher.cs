using Bot.Adapters.Scheduling;
using Bot.Adapters.Freezes;

namespace Bot.Functions.Freezes;

/// <summary>Keeps <see cref="FreezeCache"/> fresh so freezes set by other instances reach this one's gates.</summary>
public sealed class FreezeRefresher(FreezeCache cache, Microsoft.Extensions.Options.IOptions<Sweep.SweepOptions> options, TimeProvider time, ILogger<FreezeRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await cache.RefreshAsync(stoppingToken).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("freeze refresh failed, keeping the last known freezes: {Error}", e.Message);
            }
            try { await Task.Delay(options.Value.FreezeRefresh, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.Scheduling;

/// <summary>Keeps <see cref="FreezeCache"/> fresh so freezes set by other instances reach this one's gates.</summary>
public sealed class FreezeRefresher(FreezeCache cache, SweepOptions options, TimeProvider time, ILogger<FreezeRefresher> log) : BackgroundService
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
            try { await Task.Delay(options.FreezeRefresh, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }
}

using Bot.Functions.Hosting;
using TimerInfo = Microsoft.Azure.Functions.Worker.TimerInfo;
using ScheduleStatus = Microsoft.Azure.Functions.Worker.ScheduleStatus;
using NCrontab;

namespace Bot.Functions.Standalone;

/// <summary>Standalone mode's timer trigger: fires the function on its six-field NCRONTAB schedule (UTC) with a
/// <see cref="TimerInfo"/> as the Functions host fills it. A failed run is logged and not retried, as with the host.</summary>
public sealed class TimerRunner(FunctionDefinition function, CrontabSchedule schedule, Func<TimerInfo, CancellationToken, Task> fire,
    TimeProvider time, ILogger<TimerRunner> log) : BackgroundService
{
    /// <summary>Parses a resolved schedule; throws naming the function when it is not six-field NCRONTAB.</summary>
    public static CrontabSchedule ParseSchedule(string functionName, string schedule)
    {
        try
        {
            return CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        }
        catch (CrontabException ex)
        {
            throw new InvalidOperationException($"{functionName}: schedule '{schedule}' is not a six-field NCRONTAB expression ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}): {ex.Message}", ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? last = null;
        if (function.RunOnStartup) await FireAsync(last, isPastDue: false, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try { await Task.Delay(next - now, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
            var isPastDue = time.GetUtcNow() - next > TimeSpan.FromSeconds(30);
            await FireAsync(last, isPastDue, stoppingToken);
            last = next;
        }
    }

    private async Task FireAsync(DateTimeOffset? last, bool isPastDue, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var info = new TimerInfo
        {
            IsPastDue = isPastDue,
            ScheduleStatus = new ScheduleStatus
            {
                Last = (last ?? DateTimeOffset.MinValue).UtcDateTime,
                Next = schedule.GetNextOccurrence(now.UtcDateTime),
                LastUpdated = now.UtcDateTime,
            },
        };
        try
        {
            await fire(info, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            log.LogError(ex, "{Function}: timer run failed", function.Name);
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Bot.Functions.Hosting;
using Bot.Functions.Invocations;
using NCrontab;

namespace Bot.Functions.Standalone;

/// <summary>Standalone mode's timer trigger: fires the function on its six-field NCRONTAB schedule (UTC), with the
/// host's <c>TimerInfo</c> shape in <c>Data</c>. A failed run is logged and not retried, as with the host.</summary>
public sealed class TimerRunner(FunctionDefinition function, IFunctionHandler handler, TimeProvider time, ILogger<TimerRunner> log) : BackgroundService
{
    private readonly CrontabSchedule _schedule = ParseSchedule(function);

    public static CrontabSchedule ParseSchedule(FunctionDefinition function)
    {
        try
        {
            return CrontabSchedule.Parse(function.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        }
        catch (CrontabException ex)
        {
            throw new InvalidOperationException($"{function.Path}: schedule '{function.Schedule}' is not a six-field NCRONTAB expression ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}): {ex.Message}", ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset? last = null;
        if (function.RunOnStartup) await FireAsync(last, isPastDue: false, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(_schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
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
        var next = new DateTimeOffset(_schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
        var info = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = (last ?? DateTimeOffset.MinValue).ToString("O", CultureInfo.InvariantCulture),
                ["Next"] = next.ToString("O", CultureInfo.InvariantCulture),
                ["LastUpdated"] = now.ToString("O", CultureInfo.InvariantCulture),
            },
            ["IsPastDue"] = isPastDue,
        };
        try
        {
            await handler.InvokeAsync(new FunctionInvocation(function.Name, new JsonObject { [function.TriggerBinding] = info },
                new JsonObject { ["sys"] = new JsonObject { ["MethodName"] = function.Name, ["UtcNow"] = now.ToString("O", CultureInfo.InvariantCulture) } }), ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            log.LogError(ex, "{Function}: timer run failed", function.Name);
        }
    }
}

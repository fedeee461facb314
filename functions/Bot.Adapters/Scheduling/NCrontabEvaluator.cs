using Bot.Core.Calendar;
using NCrontab;

namespace Bot.Adapters.Scheduling;

/// <summary>
/// <see cref="ICronEvaluator"/> over NCrontab.Signed, 6-field expressions as the Functions timer uses. Wall-clock
/// slots skipped by a DST change fire at the end of the gap; repeated ones fire once, at the first occurrence.
/// </summary>
public sealed class NCrontabEvaluator : ICronEvaluator
{
    private static readonly CrontabSchedule.ParseOptions Options = new() { IncludingSeconds = true };

    public static readonly NCrontabEvaluator Instance = new();

    public string? Validate(string expression)
    {
        if (string.IsNullOrWhiteSpace(expression)) return "the cron expression is empty: write 6 fields {second} {minute} {hour} {day} {month} {day-of-week}, e.g. \"0 0 9 * * 1-5\"";
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields != 6)
            return $"'{expression}' has {fields} fields; NCRONTAB needs 6: {{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}, e.g. \"0 0 9 * * 1-5\"";
        try
        {
            CrontabSchedule.Parse(expression, Options);
            return null;
        }
        catch (CrontabException e)
        {
            return $"'{expression}' is not a valid cron expression ({e.Message.Split('\n')[0].Trim()}); e.g. \"0 0 9 * * 1-5\" is 09:00 Monday to Friday";
        }
    }

    public DateTimeOffset? NextOccurrence(string expression, TimeZoneInfo zone, DateTimeOffset after)
    {
        var schedule = CrontabSchedule.TryParse(expression, Options);
        if (schedule is null) return null;
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var end = local.AddYears(5);
        // A slot inside a repeated (fall-back) hour maps to its first instant, which can lie before `after`: keep going.
        for (var i = 0; i < 10_000; i++)
        {
            var next = schedule.GetNextOccurrence(local, end);
            if (next >= end) return null;
            var at = DeployWindow.ToInstant(next, zone);
            if (at > after) return at;
            local = next;
        }
        return null;
    }
}

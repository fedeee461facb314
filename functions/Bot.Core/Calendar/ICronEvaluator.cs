namespace Bot.Core.Calendar;

/// <summary>
/// Evaluates 6-field NCRONTAB expressions (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, e.g.
/// <c>0 0 9 * * 1-5</c>). Core only needs the next occurrence; the adapter wraps NCrontab.Signed.
/// </summary>
public interface ICronEvaluator
{
    /// <summary>Null when valid, else what is wrong and how to write it.</summary>
    string? Validate(string expression);

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, with the expression read as wall-clock time in
    /// <paramref name="zone"/>; null when there is none (e.g. 30 Feb) or the expression is invalid.
    /// </summary>
    DateTimeOffset? NextOccurrence(string expression, TimeZoneInfo zone, DateTimeOffset after);
}

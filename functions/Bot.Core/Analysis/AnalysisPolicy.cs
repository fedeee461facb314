namespace Bot.Core.Analysis;

/// <summary>How the bot answers a run of verdicts (the graded response). Defaults: roll back after 2 failures in a row (a
/// critical metric at once), ask a person after 3 intervals without a verdict, pause after 4 query errors in a row (as Argo
/// Rollouts' <c>consecutiveErrorLimit</c>).</summary>
public sealed record AnalysisPolicy
{
    public int FailureLimit { get; init; } = 2;
    public int InconclusiveLimit { get; init; } = 3;
    public int ErrorLimit { get; init; } = 4;
}

/// <summary>Consecutive outcomes so far; a pass clears them all, any verdict clears the error count.</summary>
public sealed record AnalysisCounters(int Failures = 0, int NoVerdicts = 0, int Errors = 0)
{
    public static readonly AnalysisCounters None = new();
}

public enum AnalysisAction
{
    /// <summary>Carry on: the canary passed, or failed less often than the limit.</summary>
    Continue,
    /// <summary>No verdict yet: measure another interval before the step may pass.</summary>
    Extend,
    /// <summary>Return traffic to stable.</summary>
    RollBack,
    /// <summary>Too long without a verdict: pause and ask a person (extend, approve anyway, or roll back), with the numbers.</summary>
    AskHuman,
    /// <summary>The metrics source keeps failing: pause with the reason; never promote on no data.</summary>
    Pause,
}

/// <summary>What to do after one interval, the counters to keep, and why in words.</summary>
public sealed record AnalysisStep(AnalysisAction Action, AnalysisCounters Counters, string Reason);

/// <summary>The graded response, pure: counters and one interval's outcome (a verdict, or the query error) in; the action out.</summary>
public static class AnalysisResponse
{
    public static AnalysisStep Next(AnalysisCounters counters, AnalysisResult result, AnalysisPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(result);
        switch (result.Verdict)
        {
            case Verdict.Fail when result.CriticalFailure:
                return new(AnalysisAction.RollBack, counters with { Failures = counters.Failures + 1, Errors = 0 },
                    $"critical metric failed: {FirstFailure(result)}");
            case Verdict.Fail:
            {
                var c = counters with { Failures = counters.Failures + 1, NoVerdicts = 0, Errors = 0 };
                return c.Failures >= policy.FailureLimit
                    ? new(AnalysisAction.RollBack, c, $"failed {c.Failures} intervals in a row (limit {policy.FailureLimit}): {FirstFailure(result)}")
                    : new(AnalysisAction.Continue, c, $"failed {c.Failures} of {policy.FailureLimit} allowed in a row: {FirstFailure(result)}");
            }
            case Verdict.NoVerdict:
            {
                var c = counters with { NoVerdicts = counters.NoVerdicts + 1, Errors = 0 };
                var why = result.Metrics.FirstOrDefault(m => m.Verdict == Verdict.NoVerdict)?.Decision ?? "no metrics gave a verdict";
                return c.NoVerdicts >= policy.InconclusiveLimit
                    ? new(AnalysisAction.AskHuman, c, $"no verdict for {c.NoVerdicts} intervals: {why}")
                    : new(AnalysisAction.Extend, c, $"no verdict ({c.NoVerdicts} of {policy.InconclusiveLimit}): {why}");
            }
            default:
                return new(AnalysisAction.Continue, AnalysisCounters.None, "all metrics passed");
        }
    }

    /// <summary>The metrics source failed for this interval (unreachable, bad answer): no verdict is drawn from it.</summary>
    public static AnalysisStep Error(AnalysisCounters counters, string error, AnalysisPolicy policy)
    {
        var c = counters with { Errors = counters.Errors + 1 };
        return c.Errors >= policy.ErrorLimit
            ? new(AnalysisAction.Pause, c, $"the metrics source failed {c.Errors} times in a row: {error}")
            : new(AnalysisAction.Extend, c, $"the metrics source failed ({c.Errors} of {policy.ErrorLimit}): {error}");
    }

    private static string FirstFailure(AnalysisResult r) =>
        r.Metrics.Where(m => m.Verdict == Verdict.Fail).OrderByDescending(m => m.Critical).Select(m => $"{m.Metric}: {m.Decision}").First();
}

using Bot.Core.Analysis;
using Bot.Core.Config;

namespace Bot.Core.Rollouts;

public static partial class RolloutMachine
{
    // ---- canary analysis: the measurement loop and the graded response ----------------------------------------------
    //
    // While the canary takes traffic (and on an analysis step), a due message every interval asks the executor to measure
    // (MeasureCanary); the measurement comes back as AnalysisMeasured and is judged here (CanaryJudge), then answered
    // (AnalysisResponse): continue, extend, roll back, ask a person, or pause. Counters and the last verdict live in
    // RolloutState.Analysis; timed steps and the promote wait for a passing verdict (AnalysisHold).

    /// <summary>Longest analysis summary kept in chat, the check run and audit; evidence beyond it is in the API.</summary>
    public const int EvidenceLimit = 2400;

    private static bool AnalysisRuns(RolloutState r) =>
        r.Config.Analysis is not null && !r.Promoting && r.Phase is RolloutPhase.Progressing or RolloutPhase.WaitingApproval;

    /// <summary>Starts the loop (the first measurement one interval from now) when the rollout has analysis, the canary takes
    /// traffic or an analysis step runs, and no measurement is already due.</summary>
    private static RolloutState StartAnalysis(RolloutState r, DateTimeOffset now, List<Effect> fx)
    {
        if (r.Config.Analysis is not { } spec || r.Analysis?.NextAt is not null || r.Promoting) return r;
        if (!Measured(r)) return r;
        var a = r.Analysis ?? new AnalysisState();
        var round = a.Round + 1;
        var started = r with { Analysis = a with { Round = round, NextAt = now + spec.Interval } };
        fx.Add(new ScheduleStep(r.Service, r.StepIndex, now + spec.Interval) { RolloutId = r.Id, AnalysisRound = round });
        return started;
    }

    /// <summary>The canary is measured: it takes traffic, or an analysis or fault step runs.</summary>
    private static bool Measured(RolloutState r) => r.CanaryWeight > 0 || r.CurrentStep is AnalyzeStep or FaultStep;

    private static Decision OnAnalysisDue(ServiceState state, AnalysisDue due, DateTimeOffset now)
    {
        if (state.Active is not { } r || r.Id != due.RolloutId || r.Analysis is not { } a || a.Round != due.Round || r.Config.Analysis is not { } spec)
            return NoOp(state, $"stale analysis message: {due.RolloutId} round {due.Round} is not current");
        if (!AnalysisRuns(r))
            return a.NextAt is null ? NoOp(state, $"{r.Id}: analysis stopped ({PhaseWord(r.Phase)})")
                : new Decision(state with { Active = r with { Analysis = a with { NextAt = null } } }, [],
                    Message: $"{r.Id}: analysis stops while {(r.Promoting ? "promoting" : PhaseWord(r.Phase))}");
        if (a.NextAt is { } at && now < at) return NoOp(state, $"{r.Id}: analysis round {a.Round} is due at {Stamp(at)}");

        // Measure this round, and schedule the next one now: the loop keeps its pace whatever the measurement takes, and
        // whatever the message's delivery took (one interval after this round was due, not after it arrived), unless it came
        // more than an interval late: then one interval from now, so two rounds never measure back to back.
        var nextAt = a.NextAt is { } planned && planned + spec.Interval > now ? planned + spec.Interval : now + spec.Interval;
        var next = r with { Analysis = a with { Round = a.Round + 1, NextAt = nextAt } };
        List<Effect> fx =
        [
            new MeasureCanary(r.Service, a.Round) { RolloutId = r.Id },
            new ScheduleStep(r.Service, r.StepIndex, nextAt) { RolloutId = r.Id, AnalysisRound = a.Round + 1 },
        ];
        return new Decision(state with { Active = next }, fx, Message: $"{r.Id}: measuring analysis round {a.Round}");
    }

    private static Decision OnAnalysisMeasured(ServiceState state, AnalysisMeasured m, DateTimeOffset now)
    {
        if (state.Active is not { } r || r.Id != m.RolloutId || r.Analysis is not { } a || r.Config.Analysis is not { } spec
            || m.Round <= a.Judged || m.Round >= a.Round)
            return NoOp(state, $"stale analysis result: {m.RolloutId} round {m.Round}");
        if (!AnalysisRuns(r))
            return NoOp(state with { Active = r with { Analysis = a with { Judged = m.Round } } }, $"{r.Id}: analysis result of round {m.Round} ignored ({PhaseWord(r.Phase)})");

        AnalysisResult? result = m.Error is null ? CanaryJudge.Judge(m.Observations ?? [], spec.Interval, spec.Confidence) : null;
        var step = result is null
            ? AnalysisResponse.Error(a.Counters, m.Error!, spec.Policy)
            : AnalysisResponse.Next(a.Counters, result, spec.Policy);
        var outcome = result is null ? AnalysisVerdict.Error
            : result.Verdict switch { Verdict.Pass => AnalysisVerdict.Pass, Verdict.Fail => AnalysisVerdict.Fail, _ => AnalysisVerdict.NoVerdict };
        var verdict = new AnalysisVerdict(m.At, outcome, step.Action, step.Reason, result?.Metrics ?? []);
        var sameStep = a.StepIndex == r.StepIndex;
        var judged = a with
        {
            Judged = m.Round, Counters = step.Counters, Last = verdict, StepIndex = r.StepIndex,
            Passes = (sameStep ? a.Passes : 0) + (verdict.Passed ? 1 : 0), Overridden = sameStep && a.Overridden,
        };
        r = r with { Analysis = judged };
        var evidence = EvidenceText(verdict);
        // Every verdict is audited with its evidence; the action decided on it follows.
        var fx = new List<Effect> { Audit(r, "analysis", Actor.System, Clip($"{outcome}: {step.Reason}\n{evidence}", EvidenceLimit), r.Phase, r.Phase, now) };
        switch (step.Action)
        {
            case AnalysisAction.RollBack:
            {
                var reason = Clip($"canary analysis: {step.Reason}", 500);
                fx.Add(Notice(r, NoticeKind.Analysis, Clip($"{r.Id} analysis failed at {Position(r)}: {step.Reason}; rolling back\n{evidence}", EvidenceLimit)));
                var stopping = StopActive(state, r, Actor.System, reason, now, RolloutPhase.RolledBack, fx, NoticeKind.RolledBack, "analysis-rollback",
                    $"{r.Id} rolled back by the {reason}");
                return new Decision(stopping, fx, Message: $"{r.Id}: {reason}; rolling back");
            }
            case AnalysisAction.AskHuman:
            {
                var ask = Clip($"{step.Reason}. Extend (resume), approve anyway, or roll back?", 500);
                var d = PauseFor(state, r, PauseCause.Analysis, NoticeKind.AnalysisInconclusive, Actor.System, now, ask);
                return d with { Effects = [fx[0], Notice(d.State.Active!, NoticeKind.AnalysisInconclusive, Clip($"{r.Id} paused: {ask}\n{evidence}", EvidenceLimit)), d.Effects[1]] };
            }
            case AnalysisAction.Pause:
            {
                var d = PauseFor(state, r, PauseCause.Analysis, NoticeKind.Failed, Actor.System, now,
                    Clip($"{step.Reason}; the rollout will not promote on no data: resume to measure again, or rollback", 500));
                return d with { Effects = [fx[0], .. d.Effects] };
            }
        }

        // A failure under the limit, or the first interval without a verdict, is told in the thread; a pass only when it ends a step.
        if (outcome == AnalysisVerdict.Fail || (outcome != AnalysisVerdict.Pass && a.Counters.NoVerdicts + a.Counters.Errors == 0))
            fx.Add(Notice(r, NoticeKind.Analysis, Clip($"{r.Id} analysis at {Position(r)}: {step.Reason}\n{evidence}", EvidenceLimit)));

        // A timed step (bake, analysis step) whose time is up and that waited for this verdict passes now.
        if (verdict.Passed && r.Phase == RolloutPhase.Progressing && TimedStepEnd(r) is { } end && now >= end && AnalysisHold(r) is null)
            return Completed(state, r, Actor.System, r.Phase, now, fx, $"analysis passed ({judged.Passes} interval(s)): {step.Reason}");
        return new Decision(state with { Active = r }, fx, Message: $"{r.Id}: analysis {outcome}: {step.Reason}");
    }

    /// <summary>When a timed step (a bake, an analysis step) ends, without extensions.</summary>
    private static DateTimeOffset? TimedStepEnd(RolloutState r) => (r.CurrentStep, r.StepStartedAt) switch
    {
        (PauseStep { Duration: { } bake }, { } started) => started + bake,
        (AnalyzeStep step, { } started) => started + step.Duration,
        _ => null,
    };

    /// <summary>Why the current step (a timed step ending, or the promote) may not pass yet: the last verdict was not a pass, an
    /// analysis step has none yet, or the measured canary has none at all yet. Null when it may (no analysis, a pass, a person
    /// approved anyway, or a canary that takes no traffic and so is not measured).</summary>
    private static string? AnalysisHold(RolloutState r)
    {
        if (r.Config.Analysis is null) return null;
        var a = r.Analysis;
        if (a is { Overridden: true } && a.StepIndex == r.StepIndex) return null;
        if (r.CurrentStep is AnalyzeStep && (a is null || a.StepIndex != r.StepIndex || a.Passes == 0))
            return a?.Last is { Passed: false } l ? $"no passing verdict yet ({l.Reason})" : "no passing verdict yet";
        if (a?.Last is { Passed: false } last) return $"the last verdict was {last.Outcome}: {last.Reason}";
        // Nothing judged yet while the canary is measured (a bake shorter than the interval, a promote right after a setWeight):
        // no measurement is not a pass, so wait for the first verdict (with the metrics source down, never promote on no data).
        return a?.Last is null && Measured(r) ? "no verdict yet" : null;
    }

    /// <summary>The step's time is up but the analysis has not passed it: wait one more interval (the loop keeps measuring).</summary>
    private static Decision ExtendStep(ServiceState state, RolloutState r, string hold, DateTimeOffset now, List<Effect> fx)
    {
        var interval = r.Config.Analysis!.Interval;
        var extended = r with { NextDueAt = now + interval, UpdatedAt = now };
        extended = StartAnalysis(extended, now, fx);
        var text = $"{r.Id} {Position(r)} extended by {Durations.Format(interval)}: {hold}";
        // A thread event (as failures and the ask are), so the thread says why the step did not end on time.
        fx.Add(Notice(extended, NoticeKind.Analysis, Clip(text, EvidenceLimit)));
        fx.Add(Audit(extended, "analysis-extend", Actor.System, Clip(hold, EvidenceLimit), r.Phase, r.Phase, now));
        fx.Add(Schedule(extended, r.StepIndex, now + interval));
        return new Decision(state with { Active = extended }, fx, Message: text);
    }

    /// <summary>"Approve anyway" on a rollout the analysis paused: the current step passes as if its analysis had.</summary>
    private static Decision OnApproveAnyway(ServiceState state, RolloutState r, Approve input, DateTimeOffset now)
    {
        var a = (r.Analysis ?? new AnalysisState()) with { Overridden = true, StepIndex = r.StepIndex, Counters = AnalysisCounters.None };
        var resumed = r with
        {
            Phase = r.PausedFrom ?? RolloutPhase.Progressing, PausedFrom = null, PausedBy = null, Reason = null, UpdatedAt = now, Analysis = a with { NextAt = null },
        };
        var fx = new List<Effect>
        {
            Audit(resumed, "approve-anyway", input.By, input.Reason ?? r.Reason, RolloutPhase.Paused, resumed.Phase, now),
        };
        var what = $"approved anyway by {input.By.Name} despite the analysis ({r.Reason})";
        if (resumed.Phase == RolloutPhase.WaitingApproval || TimedStepEnd(resumed) is { } end && now < end)
        {
            // The step is not over (an approval waits, a bake runs): it carries on without the analysis gate.
            resumed = StartAnalysis(resumed with { NextDueAt = resumed.NextDueAt is { } due && due > now ? due : now }, now, fx);
            fx.Add(Notice(resumed, NoticeKind.Approved, Clip($"{r.Id} {what}", EvidenceLimit)));
            fx.Add(Schedule(resumed, r.StepIndex, resumed.NextDueAt!.Value));
            return new Decision(state with { Active = resumed }, fx, Message: $"{r.Id} {what}");
        }
        return Completed(state, resumed with { Phase = RolloutPhase.Progressing }, input.By, RolloutPhase.Paused, now, fx, what);
    }

    /// <summary>Resume after an analysis pause means "extend": the counters start again and the loop measures one interval from now.</summary>
    private static RolloutState ResumeAnalysis(RolloutState r, DateTimeOffset now, List<Effect> fx)
    {
        if (r.Config.Analysis is null || r.Analysis is not { } a) return StartAnalysis(r, now, fx);
        var fresh = r with { Analysis = a with { Counters = AnalysisCounters.None, NextAt = null } };
        return StartAnalysis(fresh, now, fx);
    }

    /// <summary>The verdict's evidence in lines, failures first: per metric the decision, values, threshold, sample sizes and
    /// p-value, then the query (clipped), all within <see cref="EvidenceLimit"/>.</summary>
    public static string EvidenceText(AnalysisVerdict v)
    {
        var lines = new List<string>();
        foreach (var m in v.Metrics.OrderBy(m => m.Verdict switch { Verdict.Fail => 0, Verdict.NoVerdict => 1, _ => 2 }))
        {
            var mark = m.Verdict switch { Verdict.Pass => "pass", Verdict.Fail => "FAIL", _ => "no verdict" };
            var values = System.FormattableString.Invariant(
                $"canary {Num(m.Canary)} vs stable {Num(m.Stable)}; threshold {m.Threshold}; requests {m.CanaryRequests} canary, {(m.StableRequests is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")} stable; p {(m.PValue is { } p ? (p < 0.0001 ? "<0.0001" : p.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)) : "-")}");
            lines.Add($"{mark} {m.Metric}{(m.Critical ? " (critical)" : "")}: {m.Decision} [{values}] query: {Clip(m.Query, 300)}");
        }
        return Clip(string.Join("\n", lines), EvidenceLimit - 200);
    }

    private static string Num(double? v) => v is { } x ? x.ToString("0.#####", System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

using System.Globalization;
using System.Net;
using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Pages;

/// <summary>
/// Renders the rollout page (pure: model in, HTML out): an inline SVG of the canary weight over time with the audit events
/// on the same axis (steps, approvals with who and from where, pauses with the reason, drift, analysis verdicts, rollback),
/// the plan with the current step marked, the time left in a bake, an approval or a gate, and the measured rollback latency.
/// Server-rendered HTML and CSS, no script; every value from people or services is HTML-encoded.
/// </summary>
public static class RolloutPage
{
    private const int W = 720, H = 240, Left = 40, Right = 12, Top = 12, ChartBottom = 170, EventRow = 196;

    public static string Render(RolloutPageModel m)
    {
        var r = m.Rollout;
        var sb = new StringBuilder(16 * 1024);
        PageHtml.Head(sb, $"{r.Service} {r.Version} · {r.Id}");
        sb.Append("<header><h1>").Append(E(r.Service)).Append(" <code>").Append(E(r.Version)).Append("</code></h1><p class=\"meta\">")
          .Append("<span class=\"phase phase-").Append(PhaseClass(r.Phase)).Append("\">").Append(E(RolloutMachine.PhaseWord(r.Phase))).Append("</span> · ")
          .Append(E(r.Id)).Append(" · canary <strong id=\"weight\">").Append(r.CanaryWeight).Append("%</strong> · started by ")
          .Append(E(r.StartedBy.Name)).Append(" (").Append(E(r.StartedBy.Surface)).Append(") ").Append(T(r.CreatedAt));
        if (r.Revision > 1) sb.Append(" · revision ").Append(r.Revision);
        if (m.ServiceHref is { } href) sb.Append(" · <a href=\"").Append(E(href)).Append("\">all rollouts of ").Append(E(r.Service)).Append("</a>");
        sb.Append("</p></header>\n");

        Status(sb, m);
        Chart(sb, m);
        Plan(sb, r);
        Events(sb, m.Events);
        sb.Append("<footer>Rendered ").Append(T(m.Now)).Append(" UTC. Reload for the latest state.</footer>\n</body></html>\n");
        return sb.ToString();
    }

    /// <summary>The chart's points: one per change of the weight the cluster accepted, from the audit records, and the
    /// rollout's current weight if no record carries it yet (records written before weights were recorded).</summary>
    public static IReadOnlyList<WeightPoint> Weights(RolloutState r, IReadOnlyList<AuditEntry> events)
    {
        var points = new List<WeightPoint>();
        var last = 0;
        foreach (var e in events)
        {
            if (e.CanaryWeight is not { } w || w == last) continue;
            points.Add(new WeightPoint(e.At, w));
            last = w;
        }
        if (r.CanaryWeight != last) points.Add(new WeightPoint(Max(r.UpdatedAt, points.Count > 0 ? points[^1].At : r.CreatedAt), r.CanaryWeight));
        return points;
    }

    /// <summary>What is running out, if anything: a bake, an approval deadline, a gate (window, freeze, slot).</summary>
    public static string? TimeLeft(RolloutState r, DateTimeOffset now)
    {
        if (r.IsTerminal) return null;
        if (r.Waiting is { } wait && wait.StepIndex == r.StepIndex)
            return wait.Until is { } until ? $"held: {wait.Reason}; looked at again in {Remaining(until - now)} ({T(until)} UTC)" : $"held: {wait.Reason}";
        if (r.Phase == RolloutPhase.WaitingApproval && r.CurrentStep is ApprovalStep { Timeout: { } timeout } a && r.StepStartedAt is { } asked)
        {
            var then = a.OnTimeout == TimeoutAction.Rollback ? "then rollback" : "then hold";
            var due = asked + timeout;
            return due > now ? $"{Remaining(due - now)} left to approve ({then}, at {T(due)} UTC)" : $"approval time is up ({then})";
        }
        if (r.Phase == RolloutPhase.Progressing && r.CurrentStep is PauseStep { Duration: not null } && r.NextDueAt is { } end)
            return end > now ? $"bake ends in {Remaining(end - now)} ({T(end)} UTC)" : "bake is over; the next step is due";
        return null;
    }

    private static void Status(StringBuilder sb, RolloutPageModel m)
    {
        var r = m.Rollout;
        sb.Append("<section class=\"status\">");
        if (TimeLeft(r, m.Now) is { } left) sb.Append("<p id=\"time-left\" class=\"left\">⏳ ").Append(E(left)).Append("</p>");
        if (r.RollbackLatency is { } latency)
            sb.Append("<p id=\"rollback-latency\" class=\"latency\">Rolled back in <strong>").Append(E(Durations.Latency(latency)))
              .Append("</strong> (command received → cluster accepted canary 0%)</p>");
        if (r.Reason is { Length: > 0 } reason)
            sb.Append("<p class=\"reason\">").Append(r.IsTerminal ? "Outcome: " : "Note: ").Append(E(reason)).Append("</p>");
        if (r.Retry is { } retry && !r.IsTerminal)
            sb.Append("<p class=\"retry\">Waiting for the cluster: ").Append(E(retry.Error)).Append(" · attempt ").Append(retry.Attempt)
              .Append(" failed · next ").Append(T(retry.At)).Append(" UTC</p>");
        if (r.IsTerminal)
            sb.Append("<p>Finished ").Append(T(r.FinishedAt ?? r.UpdatedAt)).Append(" UTC after ")
              .Append(E(Durations.Format((r.FinishedAt ?? r.UpdatedAt) - r.CreatedAt))).Append("</p>");
        sb.Append("</section>\n");
    }

    private static void Chart(StringBuilder sb, RolloutPageModel m)
    {
        var r = m.Rollout;
        var start = r.CreatedAt;
        var end = r.IsTerminal ? r.FinishedAt ?? r.UpdatedAt : Max(m.Now, r.UpdatedAt);
        foreach (var e in m.Events) end = Max(end, e.At);
        var span = Math.Max((end - start).TotalSeconds, 1);
        double X(DateTimeOffset t) => Left + (W - Left - Right) * Math.Clamp((t - start).TotalSeconds / span, 0, 1);
        static double Y(int w) => ChartBottom - (ChartBottom - Top) * w / 100.0;

        var points = Weights(r, m.Events);
        sb.Append("<section><h2>Traffic to the canary</h2>\n<svg id=\"chart\" viewBox=\"0 0 ").Append(W).Append(' ').Append(H)
          .Append("\" role=\"img\" aria-label=\"canary weight over time\" preserveAspectRatio=\"xMidYMid meet\">\n");
        foreach (var g in new[] { 0, 25, 50, 75, 100 })
            sb.Append("<line class=\"grid\" x1=\"").Append(Left).Append("\" x2=\"").Append(W - Right).Append("\" y1=\"").Append(N(Y(g))).Append("\" y2=\"").Append(N(Y(g)))
              .Append("\"/><text class=\"axis\" x=\"").Append(Left - 6).Append("\" y=\"").Append(N(Y(g) + 4)).Append("\" text-anchor=\"end\">").Append(g).Append("%</text>\n");
        sb.Append("<text class=\"axis\" x=\"").Append(Left).Append("\" y=\"").Append(H - 4).Append("\">").Append(T(start)).Append("</text>")
          .Append("<text class=\"axis\" x=\"").Append(W - Right).Append("\" y=\"").Append(H - 4).Append("\" text-anchor=\"end\">").Append(T(end)).Append("</text>\n");

        // The weight holds until the next change: a step line.
        var path = new StringBuilder().Append("M").Append(N(X(start))).Append(',').Append(N(Y(0)));
        foreach (var p in points) path.Append(" H").Append(N(X(p.At))).Append(" V").Append(N(Y(p.Weight)));
        path.Append(" H").Append(N(X(end)));
        sb.Append("<path class=\"weight\" d=\"").Append(path).Append("\"/>\n");
        foreach (var p in points)
            sb.Append("<circle class=\"weight-point\" r=\"4\" cx=\"").Append(N(X(p.At))).Append("\" cy=\"").Append(N(Y(p.Weight)))
              .Append("\" data-weight=\"").Append(p.Weight).Append("\" data-at=\"").Append(p.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
              .Append("\"><title>").Append(p.Weight).Append("% at ").Append(T(p.At)).Append(" UTC</title></circle>\n");

        sb.Append("<line class=\"grid\" x1=\"").Append(Left).Append("\" x2=\"").Append(W - Right).Append("\" y1=\"").Append(EventRow).Append("\" y2=\"").Append(EventRow).Append("\"/>\n");
        foreach (var e in m.Events)
        {
            var kind = EventKind(e.Action);
            var x = N(X(e.At));
            sb.Append("<g class=\"event event-").Append(kind).Append("\"><line x1=\"").Append(x).Append("\" x2=\"").Append(x).Append("\" y1=\"").Append(Top)
              .Append("\" y2=\"").Append(EventRow).Append("\"/><circle r=\"5\" cx=\"").Append(x).Append("\" cy=\"").Append(EventRow).Append("\"/><title>")
              .Append(E(Describe(e))).Append("</title></g>\n");
        }
        sb.Append("</svg>\n<p class=\"legend\"><span class=\"k k-weight\"></span>canary weight <span class=\"k k-step\"></span>step <span class=\"k k-approve\"></span>approval ")
          .Append("<span class=\"k k-pause\"></span>pause, drift, hold <span class=\"k k-analysis\"></span>analysis <span class=\"k k-rollback\"></span>rollback</p></section>\n");
    }

    private static void Plan(StringBuilder sb, RolloutState r)
    {
        sb.Append("<section><h2>Plan</h2><ol id=\"plan\" class=\"plan\">");
        var steps = r.Config.Steps;
        for (var i = 0; i < steps.Count; i++)
        {
            var done = i < r.StepIndex || r.Phase == RolloutPhase.Succeeded;
            var current = i == r.StepIndex && !r.IsTerminal;
            var stopped = r.IsTerminal && r.Phase != RolloutPhase.Succeeded && i == r.StepIndex;
            var cls = done ? "done" : current ? "current" : stopped ? "stopped" : "todo";
            sb.Append("<li class=\"step ").Append(cls).Append('"');
            if (current) sb.Append(" aria-current=\"step\"");
            sb.Append('>').Append(E(steps[i].Describe()));
            if (current) sb.Append(" <span class=\"now\">← now</span>");
            foreach (var a in r.Approvals.Where(a => a.StepIndex == i && a.Revision == r.Revision))
                sb.Append("<br><small>approved by ").Append(E(a.By.Name)).Append(" (").Append(E(a.By.Surface)).Append(") ").Append(T(a.At)).Append("</small>");
            sb.Append("</li>");
        }
        if (r.CurrentStep is null && !r.IsTerminal) sb.Append("<li class=\"step current\" aria-current=\"step\">promotion <span class=\"now\">← now</span></li>");
        sb.Append("</ol></section>\n");
    }

    private static void Events(StringBuilder sb, IReadOnlyList<AuditEntry> events)
    {
        sb.Append("<section><h2>Events</h2><table id=\"events\"><thead><tr><th>time (UTC)</th><th>what</th><th>who</th><th>canary</th><th>detail</th></tr></thead><tbody>");
        foreach (var e in events)
        {
            sb.Append("<tr class=\"ev-").Append(EventKind(e.Action)).Append("\"><td>").Append(T(e.At)).Append("</td><td>").Append(E(e.Action))
              .Append("</td><td>").Append(E(e.By.Name)).Append(" <small>").Append(E(e.By.Surface)).Append("</small></td><td>")
              .Append(e.CanaryWeight is { } w ? w.ToString(CultureInfo.InvariantCulture) + "%" : "").Append("</td><td>").Append(E(e.Reason ?? "")).Append("</td></tr>");
        }
        sb.Append("</tbody></table></section>\n");
    }

    /// <summary>The event's colour on the chart, by its audit action.</summary>
    public static string EventKind(string action) => action switch
    {
        "approve" => "approve",
        // "wait": a freeze, deploy window or cron slot held the step (the engine records each hold with its reason).
        "pause" or "drift" or "approval-timeout" or "wait" or "wait-cluster" or "bake" or "wait-approval" or "queue" => "pause",
        "rollback" or "rolled-back" or "abort" or "aborted" or "rollback-retry" or "fail" or "restore" => "rollback",
        _ when action.Contains("analysis", StringComparison.Ordinal) || action.Contains("verdict", StringComparison.Ordinal) => "analysis",
        _ when action.EndsWith("-refused", StringComparison.Ordinal) => "refused",
        _ => "step",
    };

    private static string Describe(AuditEntry e) =>
        $"{T(e.At)} {e.Action} by {e.By.Name} ({e.By.Surface}){(e.CanaryWeight is { } w ? $" · canary {w}%" : "")}{(e.Reason is { Length: > 0 } why ? ": " + why : "")}";

    internal static string PhaseClass(RolloutPhase p) => p switch
    {
        RolloutPhase.Succeeded => "ok",
        RolloutPhase.RolledBack or RolloutPhase.Aborted or RolloutPhase.Failed or RolloutPhase.RollingBack => "bad",
        RolloutPhase.WaitingApproval or RolloutPhase.Paused => "wait",
        _ => "run",
    };

    private static string Remaining(TimeSpan t) => Durations.Format(TimeSpan.FromSeconds(Math.Ceiling(Math.Max(0, t.TotalSeconds))));

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    internal static string T(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    internal static string E(string s) => WebUtility.HtmlEncode(s);
}

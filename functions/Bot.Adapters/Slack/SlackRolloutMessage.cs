using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Slack;

/// <summary>
/// Renders the live rollout message (Block Kit) from a <see cref="RolloutState"/>: who/what/where, a canary
/// progress bar, the step list with the current step marked, approvals and time left, and the buttons while the
/// rollout runs. A finished rollout keeps the record and loses the buttons. Stays inside Block Kit limits
/// (section text ≤3000, button text ≤75, ≤50 blocks).
/// </summary>
public static class SlackRolloutMessage
{
    internal const int SectionLimit = 3000;
    private const int BarWidth = 20;

    /// <param name="page">The signed link to the rollout page, or null (no page links configured).</param>
    public static SlackMessage Render(RolloutState s, DateTimeOffset now, Uri? page = null)
    {
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = Plain(Clip($"{s.Service} {s.Version}", 150)) },
            Section(Summary(s)),
            Section(Progress(s)),
            Section(Steps(s)),
        };
        if (Approvals(s, now) is { } approvals) blocks.Add(Section(approvals));
        if (s.Reason is { Length: > 0 } reason) blocks.Add(Context($"{(s.IsTerminal ? "Outcome" : "Note")}: {Esc(reason)}"));
        if (s.Retry is { } retry && !s.IsTerminal)
            blocks.Add(Context($":hourglass: Waiting for the cluster: {Esc(retry.Error)} · attempt {retry.Attempt} failed · next attempt {Time(retry.At)}"));
        if (!s.IsTerminal) blocks.Add(Buttons(s));
        else blocks.Add(Context($"Finished {Phase(s.Phase)} {Time(s.FinishedAt ?? s.UpdatedAt)} after {Duration((s.FinishedAt ?? s.UpdatedAt) - s.CreatedAt)}"
                                + (s.RollbackLatency is { } latency ? $" · rolled back in {Durations.Latency(latency)}" : "")));
        if (page is not null) blocks.Add(Context($"<{page.AbsoluteUri}|Rollout page>: traffic over time, steps, approvals and verdicts"));
        return new SlackMessage(Clip($"{s.Service} {s.Version}: {Phase(s.Phase)}, canary {s.CanaryWeight}%", 3000), blocks);
    }

    /// <summary>The thread reply for a step event.</summary>
    public static SlackMessage ThreadReply(Notify n)
    {
        var icon = n.Kind switch
        {
            NoticeKind.StepDone => ":white_check_mark:",
            NoticeKind.WaitingApproval or NoticeKind.Reminder => ":raised_hand:",
            NoticeKind.Approved => ":+1:",
            NoticeKind.Drift => ":warning:",
            NoticeKind.Failed => ":x:",
            NoticeKind.RolledBack or NoticeKind.Aborted => ":rewind:",
            NoticeKind.Succeeded => ":tada:",
            NoticeKind.Paused => ":double_vertical_bar:",
            NoticeKind.Resumed => ":arrow_forward:",
            NoticeKind.Retrying => ":hourglass:",
            _ => ":information_source:",
        };
        var text = Clip($"{icon} {Esc(n.Text)}", SectionLimit);
        return new SlackMessage(text, [Section(text)]);
    }

    /// <summary>Which notices go into the thread (the live message is updated for all of them).</summary>
    public static bool IsThreadEvent(NoticeKind kind) => kind is not (NoticeKind.Started or NoticeKind.Queued or NoticeKind.Waiting);

    private static string Summary(RolloutState s)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"*{Esc(s.Service)}* `{Esc(s.Version)}` · *{Phase(s.Phase)}*");
        if (s.Revision > 1) sb.Append(CultureInfo.InvariantCulture, $" · revision {s.Revision}");
        sb.Append(CultureInfo.InvariantCulture, $"\nStarted by {Who(s.StartedBy)} from {Esc(s.StartedBy.Surface)} {Time(s.CreatedAt)}");
        if (s.Source.Commit is { } c) sb.Append(CultureInfo.InvariantCulture, $" · commit `{Esc(c[..Math.Min(7, c.Length)])}`");
        if (s.Source.BuildUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out _)) sb.Append(CultureInfo.InvariantCulture, $" · <{url}|build>");
        return Clip(sb.ToString(), SectionLimit);
    }

    internal static string Progress(RolloutState s)
    {
        var w = Math.Clamp(s.CanaryWeight, 0, 100);
        var filled = (int)Math.Round(w * BarWidth / 100.0, MidpointRounding.AwayFromZero);
        return $"`{new string('█', filled)}{new string('░', BarWidth - filled)}` canary *{w}%* · stable {100 - w}%";
    }

    internal static string Steps(RolloutState s)
    {
        var steps = s.Config.Steps;
        var lines = new List<string>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var done = i < s.StepIndex || s.Phase == RolloutPhase.Succeeded;
            var current = i == s.StepIndex && !s.IsTerminal;
            var mark = done ? ":white_check_mark:" : current ? ":arrow_forward:" : s.IsTerminal && i == s.StepIndex ? ":x:" : ":white_small_square:";
            var text = Esc(steps[i].Describe());
            lines.Add(current ? $"{mark} *{i + 1}. {text}*  ← now" : $"{mark} {i + 1}. {text}");
        }
        var result = string.Join('\n', lines);
        if (result.Length <= SectionLimit) return result;

        // Long plans: keep a window around the current step, each line is short so 40 lines always fit.
        var from = Math.Max(0, s.StepIndex - 10);
        var window = lines.Skip(from).Take(40).ToList();
        if (from > 0) window.Insert(0, $"… {from} earlier steps");
        if (from + 40 < lines.Count) window.Add($"… {lines.Count - from - 40} more steps");
        return Clip(string.Join('\n', window), SectionLimit);
    }

    internal static string? Approvals(RolloutState s, DateTimeOffset now)
    {
        var step = s.CurrentStep as ApprovalStep;
        var waiting = s.Phase == RolloutPhase.WaitingApproval && step is not null;
        if (s.Approvals.Count == 0 && !waiting) return null;

        var sb = new StringBuilder("*Approvals*");
        if (waiting)
        {
            var here = s.Approvals.Count(a => a.StepIndex == s.StepIndex && a.Revision == s.Revision);
            sb.Append(CultureInfo.InvariantCulture, $" {here}/{step!.Count} for step {s.StepIndex + 1}");
            if (step.Approvers.Count > 0) sb.Append(CultureInfo.InvariantCulture, $" · from {string.Join(", ", step.Approvers.Select(Esc))}");
            if (step.Timeout is { } timeout && s.StepStartedAt is { } started)
            {
                var left = started + timeout - now;
                var then = step.OnTimeout == TimeoutAction.Rollback ? "then rollback" : "then hold";
                sb.Append(left > TimeSpan.Zero ? $"\n:hourglass_flowing_sand: {Duration(left)} left to approve ({then})" : $"\n:hourglass: approval time is up ({then})");
            }
        }
        foreach (var a in s.Approvals.TakeLast(20))
            sb.Append(CultureInfo.InvariantCulture, $"\n:ballot_box_with_check: {Who(a.By)} approved step {a.StepIndex + 1} {Time(a.At)}");
        return Clip(sb.ToString(), SectionLimit);
    }

    private static JsonObject Buttons(RolloutState s)
    {
        var value = new SlackActionValue(s.Id, s.Revision, s.StepIndex).Encode();
        var elements = new JsonArray();
        if (s.Phase == RolloutPhase.WaitingApproval)
            elements.Add(Button(SlackActionValue.Approve, "Approve", value, "primary"));
        if (s.Phase == RolloutPhase.Paused && s.PausedBy == PauseCause.Analysis)
            elements.Add(Button(SlackActionValue.Approve, "Approve anyway", value, "primary"));
        var rollback = Button(SlackActionValue.Rollback, "Rollback", value, "danger");
        rollback["confirm"] = new JsonObject
        {
            ["title"] = Plain("Roll back?"),
            ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip($"All traffic of *{Esc(s.Service)}* returns to stable now; `{Esc(s.Version)}` gets 0%.", 300) },
            ["confirm"] = Plain("Roll back"),
            ["deny"] = Plain("Cancel"),
            ["style"] = "danger",
        };
        elements.Add(rollback);
        elements.Add(s.Phase == RolloutPhase.Paused
            ? Button(SlackActionValue.Resume, s.PausedBy == PauseCause.Analysis ? "Extend" : "Resume", value, null)
            : Button(SlackActionValue.Pause, "Pause", value, null));
        return new JsonObject
        {
            ["type"] = "actions",
            ["block_id"] = Clip($"rollout|{value}", 255),
            ["elements"] = elements,
        };
    }

    private static JsonObject Button(string actionId, string text, string value, string? style)
    {
        var b = new JsonObject { ["type"] = "button", ["action_id"] = actionId, ["text"] = Plain(text), ["value"] = Clip(value, 2000) };
        if (style is not null) b["style"] = style;
        return b;
    }

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(mrkdwn, SectionLimit) } };

    private static JsonObject Context(string mrkdwn) =>
        new() { ["type"] = "context", ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Clip(mrkdwn, 3000) }) };

    private static JsonObject Plain(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    private static string Who(Bot.Core.Rollouts.Actor a) =>
        a.Surface == "slack" && a.Id.Length > 0 ? $"<@{a.Id}>" : Esc(a.Name);

    private static string Phase(RolloutPhase p) => p switch
    {
        RolloutPhase.WaitingApproval => "waiting for approval",
        RolloutPhase.RolledBack => "rolled back",
        RolloutPhase.RollingBack => "rolling back",
        _ => p.ToString().ToLowerInvariant(),
    };

    /// <summary>Slack renders this in each reader's own time zone.</summary>
    private static string Time(DateTimeOffset t)
    {
        var unix = t.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"<!date^{unix}^{{date_short_pretty}} {{time}}|{t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC>";
    }

    internal static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) d = TimeSpan.Zero;
        if (d.TotalDays >= 1) return $"{(int)d.TotalDays}d {d.Hours}h";
        if (d.TotalHours >= 1) return $"{(int)d.TotalHours}h {d.Minutes}m";
        if (d.TotalMinutes >= 1) return $"{(int)d.TotalMinutes}m";
        return $"{Math.Max(0, (int)d.TotalSeconds)}s";
    }

    /// <summary>Slack mrkdwn control characters.</summary>
    internal static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

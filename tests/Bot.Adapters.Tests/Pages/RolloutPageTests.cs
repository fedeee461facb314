using Bot.Adapters.GitHub;
using Bot.Adapters.Pages;
using Bot.Adapters.Slack;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.TestKit.Slack;

namespace Bot.Adapters.Tests.Pages;

public class RolloutPageTests
{
    private static readonly DateTimeOffset T0 = SlackRolloutSamples.Start;

    private static AuditEntry Event(string action, int minutes, int? weight, string? reason = null, Actor? by = null) =>
        new("checkout", action, by ?? Actor.System, reason, RolloutPhase.Progressing, RolloutPhase.Progressing, T0.AddMinutes(minutes))
        {
            RolloutId = "checkout-7", CanaryWeight = weight,
        };

    [Fact]
    public void Weights_OnePointPerChange_NotPerRecord()
    {
        var r = SlackRolloutSamples.Waiting() with { CanaryWeight = 0, Phase = RolloutPhase.RolledBack, UpdatedAt = T0.AddMinutes(9) };
        IReadOnlyList<AuditEntry> events =
        [
            Event("start", 0, 0), Event("step", 1, 10), Event("wait-approval", 1, 10), Event("approve", 3, 10),
            Event("step", 4, 50), Event("bake", 4, 50), Event("rollback", 8, 50), Event("rolled-back", 9, 0),
        ];

        var points = RolloutPage.Weights(r, events);

        Assert.Equal([new WeightPoint(T0.AddMinutes(1), 10), new WeightPoint(T0.AddMinutes(4), 50), new WeightPoint(T0.AddMinutes(9), 0)], points);
        Assert.Equal(3, Count(RolloutPage.Render(new RolloutPageModel(r, events, T0.AddMinutes(10))), "class=\"weight-point\""));
    }

    [Fact]
    public void Render_AFreezeThatHeldAStep_IsAHoldOnTheAxisWithItsReason_AfterItLifted()
    {
        var r = SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.Progressing, StepIndex = 2, UpdatedAt = T0.AddMinutes(30) };
        const string why = "frozen until 2026-11-02 09:20 UTC by U0ALICE01: incident 42";
        var html = RolloutPage.Render(new RolloutPageModel(r, [Event("step", 1, 10), Event("wait", 5, 10, why), Event("step", 20, 50)], T0.AddMinutes(31)));

        Assert.Equal("pause", RolloutPage.EventKind("wait"));
        Assert.Equal(1, Count(html, "class=\"event event-pause\""));
        Assert.Contains(why, html);
    }

    [Fact]
    public void Weights_RecordsWithoutWeights_FallBackToTheRolloutsWeight()
    {
        var r = SlackRolloutSamples.Waiting() with { CanaryWeight = 10, UpdatedAt = T0.AddMinutes(2) };

        Assert.Equal([new WeightPoint(T0.AddMinutes(2), 10)], RolloutPage.Weights(r, [Event("start", 0, null), Event("step", 1, null)]));
    }

    [Fact]
    public void Render_UserText_IsEncodedEverywhere()
    {
        var evil = "<script>alert(1)</script>\"'&";
        var r = SlackRolloutSamples.Waiting() with { Reason = evil, Version = evil, StartedBy = new Actor("x", evil, "api") };
        var html = RolloutPage.Render(new RolloutPageModel(r, [Event("pause", 2, 10, evil, new Actor("y", evil, "slack"))], T0.AddMinutes(3), "../services/checkout?a=1&b=\"2\""));

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain(evil, html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;", html);
        Assert.Contains("href=\"../services/checkout?a=1&amp;b=&quot;2&quot;\"", html);
    }

    [Fact]
    public void Render_WaitingApproval_MarksTheStepAndShowsTheTimeLeft()
    {
        var r = SlackRolloutSamples.Waiting();
        var asked = r.StepStartedAt!.Value;
        var html = RolloutPage.Render(new RolloutPageModel(r, [], asked.AddMinutes(12)));

        Assert.Equal(1, Count(html, "aria-current=\"step\""));
        Assert.Contains("<li class=\"step current\" aria-current=\"step\">approval (1, 30m timeout) <span class=\"now\">", html);
        Assert.Equal("18m left to approve (then rollback, at 2026-11-02 09:31:00 UTC)", RolloutPage.TimeLeft(r, asked.AddMinutes(12)));
    }

    [Fact]
    public void TimeLeft_Bake_CountsDownToTheStepsEnd()
    {
        var r = SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.Progressing, StepIndex = 3, NextDueAt = T0.AddMinutes(20) };

        Assert.StartsWith("bake ends in 5m ", RolloutPage.TimeLeft(r, T0.AddMinutes(15)));
        Assert.Null(RolloutPage.TimeLeft(r with { Phase = RolloutPhase.RolledBack }, T0.AddMinutes(15)));
    }

    [Fact]
    public void RolledBack_SlackCheckRunAndPage_SayTheMeasuredLatency()
    {
        var r = SlackRolloutSamples.Waiting() with
        {
            Phase = RolloutPhase.RolledBack, CanaryWeight = 0, FinishedAt = T0.AddMinutes(9), RollbackLatency = TimeSpan.FromMilliseconds(420),
        };
        var page = new Uri("https://releasebot.example.com/api/pages/rollouts/checkout-7?kid=k1&exp=1&sig=abc");

        var raw = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var slack = SlackRolloutMessage.Render(r, T0.AddMinutes(10), page).Blocks!.ToJsonString(raw);
        var check = CheckRunRenderer.Summary(r, null, null, page);
        var html = RolloutPage.Render(new RolloutPageModel(r, [], T0.AddMinutes(10)));

        Assert.Contains("rolled back in 0.4 s", slack);
        Assert.Contains($"<{page.AbsoluteUri}|Rollout page>", slack);
        Assert.Contains("**Rolled back in** 0.4 s", check);
        Assert.Contains($"[Rollout page]({page.AbsoluteUri})", check);
        Assert.Contains("Rolled back in <strong>0.4 s</strong>", html);
        Assert.DoesNotContain("Rollout page", SlackRolloutMessage.Render(r, T0.AddMinutes(10)).Blocks!.ToJsonString(raw));
    }

    [Fact]
    public void ServicePage_ListsOutcomeDurationAndLatency()
    {
        var done = SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.RolledBack, FinishedAt = T0.AddMinutes(9), RollbackLatency = TimeSpan.FromMilliseconds(1400) };
        var running = SlackRolloutSamples.Waiting() with { Id = "checkout-8", Version = "1.5.0", CreatedAt = T0.AddMinutes(20) };
        var html = ServicePage.Render(new ServicePageModel("checkout", [running, done], T0.AddMinutes(30), id => id == "checkout-7" ? "../rollouts/checkout-7?sig=1" : null));

        Assert.Contains("<td class=\"out-bad\">rolled back</td><td>2026-11-02 09:00:00</td><td>9m</td><td class=\"latency\">1.4 s</td>", html);
        Assert.Contains("<td>10m so far</td><td class=\"latency\"></td>", html);
        Assert.Contains("<a href=\"../rollouts/checkout-7?sig=1\">checkout-7</a>", html);
        Assert.Contains("<td>checkout-8</td>", html);
    }

    [Theory]
    [InlineData(40, "40 ms")]
    [InlineData(420, "0.4 s")]
    [InlineData(12_300, "12 s")]
    [InlineData(95_000, "1m35s")]
    public void Latency_ReadsAsPeopleSayIt(int ms, string expected) => Assert.Equal(expected, Durations.Latency(TimeSpan.FromMilliseconds(ms)));

    private static int Count(string s, string what) => (s.Length - s.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}

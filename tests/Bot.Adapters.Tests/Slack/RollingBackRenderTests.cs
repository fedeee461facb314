using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.Adapters.Slack;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.TestKit.Slack;

namespace Bot.Adapters.Tests.Slack;

/// <summary>Issue 9, finding 3: a rollback the cluster has not accepted yet is visible as such in chat and on the check run.</summary>
public class RollingBackRenderTests
{
    private static RolloutState RollingBack()
    {
        var r = SlackRolloutSamples.Waiting();
        var failed = new RollbackTraffic(TrafficTarget.For(r.Config)) { RolloutId = r.Id };
        return r with
        {
            Phase = RolloutPhase.RollingBack, Reason = "errors up",
            Retry = new EffectRetry(failed, "patch failed with 503 ServiceUnavailable", 2, SlackRolloutSamples.Start.AddMinutes(7)),
        };
    }

    private static IEnumerable<string> Texts(JsonNode? n) => n switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v ? [v.GetValue<string>()] : Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    [Fact]
    public void Slack_RollingBack_ShowsThePhaseTheUnchangedWeightAndTheNextAttempt()
    {
        var m = SlackRolloutMessage.Render(RollingBack(), SlackRolloutSamples.Start.AddMinutes(6));
        var text = string.Join("\n", Texts(m.Blocks!));

        Assert.Contains("*rolling back*", text);
        Assert.Contains("canary *10%*", text);
        Assert.Contains("Waiting for the cluster: patch failed with 503 ServiceUnavailable · attempt 2 failed", text);
        Assert.StartsWith("checkout 1.4.0: rolling back, canary 10%", m.Text);
        Assert.Empty(BlockKitRules.Check(m.Blocks!));
    }

    [Fact]
    public void CheckRun_RollingBack_InProgressWithTitleAndRetry()
    {
        var r = RollingBack();

        Assert.Equal(("in_progress", null), (CheckRunRenderer.Status(r), CheckRunRenderer.Conclusion(r)));
        Assert.Equal("checkout 1.4.0: rolling back, canary still at 10%", CheckRunRenderer.Title(r));
        var summary = CheckRunRenderer.Summary(r, null, null);
        Assert.Contains("**rolling back**", summary);
        Assert.Contains("**Waiting for the cluster** attempt 2 failed: patch failed with 503 ServiceUnavailable; next attempt at 2026-11-02 09:07:00Z", summary);
    }
}

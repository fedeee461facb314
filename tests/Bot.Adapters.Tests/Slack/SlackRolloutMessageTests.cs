using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.Core.Config;
using Bot.Core.Rollouts;
using Bot.TestKit.Slack;

namespace Bot.Adapters.Tests.Slack;

public class SlackRolloutMessageTests
{
    private static readonly DateTimeOffset Now = SlackRolloutSamples.Start.AddMinutes(6);

    private static string AllText(SlackMessage m) => string.Join("\n", Texts(m.Blocks!));

    private static IEnumerable<string> Texts(JsonNode? n) => n switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v ? [v.GetValue<string>()] : Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    private static JsonObject? Actions(SlackMessage m) => m.Blocks!.OfType<JsonObject>().SingleOrDefault(b => b["type"]!.GetValue<string>() == "actions");

    [Fact]
    public void Render_WaitingApproval_ShowsWhoWhatProgressStepsAndTimeLeft()
    {
        var m = SlackRolloutMessage.Render(SlackRolloutSamples.Waiting(), Now);
        var text = AllText(m);

        Assert.Contains("checkout 1.4.0", text);
        Assert.Contains("<@U0ALICE01> from slack", text);
        Assert.Contains("commit `3f2c9e1`", text);
        Assert.Contains("canary *10%* · stable 90%", text);
        Assert.Contains("`██░░░░░░░░░░░░░░░░░░`", text);
        Assert.Contains(":white_check_mark: 1. setWeight 10", text);
        Assert.Contains("*2. approval (1, 30m timeout)*  ← now", text);
        Assert.Contains(":white_small_square: 3. setWeight 50", text);
        Assert.Contains("0/1 for step 2", text);
        Assert.Contains("25m left to approve (then rollback)", text);
        Assert.Empty(BlockKitRules.Check(m.Blocks!));
    }

    [Fact]
    public void Render_WaitingApproval_ButtonsBindRolloutRevisionAndStep()
    {
        var actions = Actions(SlackRolloutMessage.Render(SlackRolloutSamples.Waiting(), Now))!;
        var buttons = actions["elements"]!.AsArray().Select(e => e!.AsObject()).ToList();

        Assert.Equal(["approve", "rollback", "pause"], buttons.Select(b => b["action_id"]!.GetValue<string>()));
        Assert.Equal("primary", buttons[0]["style"]!.GetValue<string>());
        Assert.Equal("danger", buttons[1]["style"]!.GetValue<string>());
        Assert.NotNull(buttons[1]["confirm"]);
        Assert.All(buttons, b => Assert.Equal("checkout-7|2|1", b["value"]!.GetValue<string>()));
        Assert.True(SlackActionValue.TryParse(buttons[0]["value"]!.GetValue<string>(), out var v));
        Assert.Equal(new SlackActionValue("checkout-7", 2, 1), v);
    }

    [Fact]
    public void Render_Paused_OffersResumeNotApprove()
    {
        var s = SlackRolloutSamples.Waiting() with { Phase = RolloutPhase.Paused, Reason = "drift: canary is 30%, expected 10%" };
        var m = SlackRolloutMessage.Render(s, Now);
        Assert.Equal(["rollback", "resume"], Actions(m)!["elements"]!.AsArray().Select(e => e!["action_id"]!.GetValue<string>()));
        Assert.Contains("drift: canary is 30%, expected 10%", AllText(m));
    }

    [Fact]
    public void Render_Succeeded_KeepsRecordWithoutButtons()
    {
        var s = SlackRolloutSamples.Waiting() with
        {
            Phase = RolloutPhase.Succeeded, StepIndex = 4, CanaryWeight = 100, FinishedAt = Now.AddMinutes(20),
            Approvals = [new Approval(new Actor("U0BOB0001", "bob", "slack"), 1, 2, Now)],
        };
        var m = SlackRolloutMessage.Render(s, Now.AddMinutes(20));
        var text = AllText(m);

        Assert.Null(Actions(m));
        Assert.Contains("<@U0BOB0001> approved step 2", text);
        Assert.Contains(":white_check_mark: 5. promote", text);
        Assert.Contains("Finished succeeded", text);
        Assert.Contains("after 26m", text);
        Assert.Empty(BlockKitRules.Check(m.Blocks!));
    }

    [Fact]
    public void Render_HundredsOfStepsAndLongNames_StaysInsideBlockKitLimits()
    {
        var steps = Enumerable.Range(1, 300).Select(i => (StepSpec)new HeaderRouteStep("x-" + new string('h', 60), "v" + i)).ToArray();
        var s = SlackRolloutSamples.Waiting(SlackRolloutSamples.Config("C0CHECKOUT1", steps)) with
        {
            Phase = RolloutPhase.Progressing, StepIndex = 150, Version = new string('9', 400), Reason = new string('<', 4000),
        };
        var m = SlackRolloutMessage.Render(s, Now);

        Assert.Empty(BlockKitRules.Check(m.Blocks!));
        Assert.Contains("140 earlier steps", AllText(m));
    }

    [Fact]
    public void Render_UserText_IsEscaped()
    {
        var s = SlackRolloutSamples.Waiting() with { Version = "<!channel> & co" };
        Assert.Contains("&lt;!channel&gt; &amp; co", SlackRolloutMessage.Render(s, Now).Blocks![1]!["text"]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("checkout-7|2|1", true)]
    [InlineData("checkout-7|2", false)]
    [InlineData("|2|1", false)]
    [InlineData("checkout-7|x|1", false)]
    [InlineData(null, false)]
    public void TryParse_Values_OnlyAcceptsFullBinding(string? value, bool ok) =>
        Assert.Equal(ok, SlackActionValue.TryParse(value, out _));
}

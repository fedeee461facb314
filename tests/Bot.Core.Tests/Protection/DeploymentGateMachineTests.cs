using Bot.Core.Config;
using Bot.Core.Protection;
using Bot.Core.Rollouts;
using Bot.Core.Tests.Rollouts;

namespace Bot.Core.Tests.Protection;

public class DeploymentGateMachineTests
{
    private const string Sha = "5779607b49aab1200488439f02372c57b4f75444";
    private static readonly DateTimeOffset T0 = Story.T0;
    private static readonly GateLinks Links = new("https://acme.slack.com/archives/C0SHOP/p1700000000000100", "https://github.com/acme/checkout/runs/1001");

    private static DeploymentGate Gate(ProtectionSpec? spec = null) => DeploymentGateMachine.Request(
        "checkout", "acme/checkout", "production", 4242, Sha, "refs/heads/main", "push", spec ?? new ProtectionSpec { Environments = ["production"] }, T0);

    private static RolloutState Rollout(ReleaseConfig? config = null, RolloutPhase phase = RolloutPhase.Progressing, int step = 0, int weight = 10) => new()
    {
        Id = "checkout-7", Service = "checkout", Version = Sha, Source = new VersionSource(Sha, Repository: "acme/checkout"),
        Config = config ?? Configs.Checkout(), Phase = phase, StepIndex = step, CanaryWeight = weight,
        StartedBy = Story.Deployer, CreatedAt = T0, UpdatedAt = T0,
    };

    private static GateDecision See(DeploymentGate gate, RolloutState r, string? notice = null, DateTimeOffset? at = null) =>
        DeploymentGateMachine.Decide(gate, new GateRolloutSeen(r, notice, Links), at ?? T0.AddMinutes(5));

    [Fact]
    public void Decide_Promoted_ApprovesOnceWithLinksToSlackAndCheckRun()
    {
        var d = See(Gate(), Rollout(phase: RolloutPhase.Succeeded, step: 3, weight: 0));

        var answer = Assert.Single(d.Effects);
        Assert.Equal(GateEffectKind.Approve, answer.Kind);
        Assert.StartsWith("Approved: **checkout** `5779607` (checkout-7) was promoted", answer.Comment);
        Assert.EndsWith($"[Slack]({Links.ChatThread}) · [Check run]({Links.CheckRun})", answer.Comment);
        Assert.True(d.Gate.Answer!.Approved);
        Assert.Equal([answer], d.Gate.Pending);

        // A later state (or the same one again) answers nothing more.
        var again = See(d.Gate, Rollout(phase: RolloutPhase.Succeeded, step: 3, weight: 0));
        Assert.Empty(again.Effects);
        Assert.Contains("already approved", again.Outcome);
    }

    [Theory]
    [InlineData(RolloutPhase.RollingBack, "was rolled back")]
    [InlineData(RolloutPhase.RolledBack, "was rolled back")]
    [InlineData(RolloutPhase.Aborted, "was aborted")]
    [InlineData(RolloutPhase.Failed, "failed")]
    public void Decide_RollbackAbortOrFailure_RejectsWithTheReason(RolloutPhase phase, string what)
    {
        var r = Rollout(phase: phase, step: 1, weight: 0) with { Reason = "error rate 4.1% > 1% (analysis)" };

        var answer = Assert.Single(See(Gate(), r).Effects);

        Assert.Equal(GateEffectKind.Reject, answer.Kind);
        Assert.Contains($"(checkout-7) {what}: error rate 4.1% > 1% (analysis)", answer.Comment);
    }

    [Fact]
    public void Decide_ApproveAfterStep_ApprovesOnceThatStepIsPassed()
    {
        var gate = Gate(new ProtectionSpec { Environments = ["production"], ApproveAfterStep = 1 });

        var atApproval = See(gate, Rollout(phase: RolloutPhase.WaitingApproval, step: 1, weight: 10));
        Assert.Equal(GateEffectKind.Report, Assert.Single(atApproval.Effects).Kind);
        var passed = See(atApproval.Gate, Rollout(step: 2, weight: 100));

        var answer = Assert.Single(passed.Effects);
        Assert.Equal(GateEffectKind.Approve, answer.Kind);
        Assert.Contains("passed step 2 of 4 (approval (1)); canary at 100%", answer.Comment);
    }

    [Fact]
    public void Decide_DeadlinePassed_RejectsSayingSo()
    {
        var gate = Gate(new ProtectionSpec { Environments = ["production"], Deadline = TimeSpan.FromHours(2) });

        Assert.Empty(DeploymentGateMachine.Decide(gate, new GateDue(), T0.AddHours(1)).Effects);
        var d = DeploymentGateMachine.Decide(gate, new GateDue(), T0.AddHours(2));

        var answer = Assert.Single(d.Effects);
        Assert.Equal(GateEffectKind.Reject, answer.Kind);
        Assert.Contains("Rejected: the deadline passed. **checkout** `5779607` was not promoted within 2h of this job's request (deadline 2026-11-02 11:00 UTC)", answer.Comment);
        Assert.Contains("30 days", answer.Comment);
    }

    [Fact]
    public void Decide_SameStateTwice_ReportsOnce()
    {
        var first = See(Gate(), Rollout(phase: RolloutPhase.WaitingApproval, step: 1));
        var second = See(first.Gate, Rollout(phase: RolloutPhase.WaitingApproval, step: 1));

        Assert.Single(first.Effects);
        Assert.Empty(second.Effects);
        Assert.Equal(1, second.Gate.Reports);
    }

    [Fact]
    public void Decide_AnotherCommitsRollout_ChangesNothing()
    {
        var gate = Gate();
        var d = See(gate, Rollout() with { Source = new VersionSource("0000000b49aab1200488439f02372c57b4f75444"), Version = "v2" });

        Assert.Empty(d.Effects);
        Assert.Same(gate, d.Gate);
    }

    [Fact]
    public void Decide_LongRollout_AtMostNineReportsEachUnder1024CharactersThenTheAnswer()
    {
        // 40 steps of weights, every one reported with a long notice: the budget spreads 9 reports over the plan.
        var steps = Enumerable.Range(1, 39).Select(i => (StepSpec)new SetWeightStep(Math.Min(99, i * 2 + 1))).Append(new PromoteStep()).ToArray();
        var config = Configs.Checkout(steps);
        var gate = DeploymentGateMachine.Decide(Gate(), new GateWaiting("has no rollout yet"), T0).Gate;
        var effects = new List<GateEffect>(gate.Pending);
        var reportedAtStep = new List<int>();
        for (var i = 0; i < steps.Length; i++)
        {
            var notice = $"checkout-7 step {i + 1}: setWeight done; analysis: success rate 99.9% ≥ 99% " + new string('x', 2_000);
            var d = See(gate, Rollout(config, step: i, weight: (steps[i] as SetWeightStep)?.Weight ?? 100), notice);
            if (d.Effects.Count > 0) reportedAtStep.Add(i);
            effects.AddRange(d.Effects);
            gate = d.Gate;
        }
        var end = See(gate, Rollout(config, RolloutPhase.Succeeded, steps.Length - 1, 0));
        effects.AddRange(end.Effects);

        Assert.Equal(DeploymentGateMachine.MaxReports, effects.Count(e => e.Kind == GateEffectKind.Report));
        Assert.Equal(GateEffectKind.Approve, effects[^1].Kind);
        Assert.True(effects.Count <= 10);
        Assert.All(effects, e => Assert.True(e.Comment.Length < 1024, $"{e.Comment.Length} characters"));
        // Reports are kept for the later steps, not spent on the first nine.
        Assert.True(reportedAtStep[^1] >= 30, $"last report at step {reportedAtStep[^1]}");
    }
}

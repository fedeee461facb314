using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

public class RolloutMachineStepTests
{
    [Fact]
    public void Start_NoActiveRollout_VerifiesRouteBeforeAnyTrafficAndSchedulesStepZero()
    {
        var s = new Story(Configs.Checkout());
        var d = s.Start();

        Assert.True(d.Accepted);
        Assert.Equal(["notify Started", "audit start Pending->Pending", "verifyRoute", "schedule 0 +0s"], s.Effects);
        Assert.Equal("checkout-1", s.Active.Id);
        Assert.Equal(RolloutPhase.Pending, s.Active.Phase);
        Assert.Equal(1, s.State.Sequence);
        var audit = Assert.Single(d.Effects.OfType<AuditEntry>());
        Assert.Equal((Story.Deployer, "github", Story.T0), (audit.By, audit.By.Surface, audit.At));
    }

    [Fact]
    public void Walk_SetWeightApprovalSetWeightPromote_SucceedsWithEachWeightOnce()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        var traffic = new List<string>();

        s.Tick();
        Assert.Equal(["setTraffic 10", "notify StepDone", "audit step Pending->Progressing", "schedule 1 +0s"], s.Effects);
        s.Tick();
        Assert.Equal(["notify WaitingApproval", "audit wait-approval Progressing->WaitingApproval"], s.Effects);
        Assert.Equal(RolloutPhase.WaitingApproval, s.Active.Phase);
        s.Approve(Story.Bob);
        Assert.Equal(["notify Approved", "audit approve WaitingApproval->Progressing", "schedule 2 +0s"], s.Effects);
        s.Tick();
        Assert.Equal(["setTraffic 100", "notify StepDone", "audit step Progressing->Progressing", "schedule 3 +0s"], s.Effects);
        s.Tick();
        Assert.Equal(["audit promote Progressing->Progressing", "setTraffic 100", "stableImage registry.example.com/checkout:1.4.2",
            "check stable step 3", "notify StepDone"], s.Effects);
        s.StableReady();
        Assert.Equal(["setTraffic 0", "notify Succeeded", "audit succeed Progressing->Succeeded"], s.Effects);

        Assert.Null(s.State.Active);
        Assert.Equal(RolloutPhase.Succeeded, s.State.LastFinished!.Phase);
        Assert.Equal(Story.T0, s.State.LastFinished.FinishedAt);
    }

    [Fact]
    public void StepDue_SameMessageTwiceAfterAdvancing_DoesNothing()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        var first = new StepDue("checkout-1", 0) { By = Actor.Timer };
        s.Send(first);
        var after = s.State;

        var again = s.Send(first);

        Assert.True(again.Accepted);
        Assert.Empty(again.Effects);
        Assert.Same(after, again.State);
        Assert.Contains("stale", again.Message);
    }

    [Theory]
    [InlineData("checkout-9", 0)]
    [InlineData("checkout-1", 3)]
    public void StepDue_OtherRolloutOrStep_AcceptedNoOp(string rolloutId, int step)
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        var before = s.State;

        var d = s.Send(new StepDue(rolloutId, step) { By = Actor.Timer });

        Assert.True(d.Accepted);
        Assert.Empty(d.Effects);
        Assert.Same(before, d.State);
    }

    [Fact]
    public void PauseStep_WithDuration_BakesThenAdvancesAtDueTime()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(20), new PauseStep(TimeSpan.FromMinutes(10)), new PromoteStep()));
        s.Start();
        s.Tick();

        s.Tick();
        Assert.Equal(["notify Waiting", "audit bake Progressing->Progressing", "schedule 1 +600s"], s.Effects);
        Assert.Equal(Story.T0 + TimeSpan.FromMinutes(10), s.Active.NextDueAt);
        Assert.Equal(Story.T0, s.Active.StepStartedAt);

        s.Advance(TimeSpan.FromMinutes(9));
        var early = s.Tick();
        Assert.Empty(early.Effects);
        Assert.Equal(1, s.Active.StepIndex);

        s.Advance(TimeSpan.FromMinutes(1));
        s.Tick();
        Assert.Equal(["notify StepDone", "audit step Progressing->Progressing", "schedule 2 +0s"], s.Effects);
        Assert.Equal(2, s.Active.StepIndex);
    }

    [Fact]
    public void PauseStep_Indefinite_PausesUntilResumeThenMovesOn()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(20), new PauseStep(null), new SetWeightStep(50), new PromoteStep()));
        s.Start();
        s.Tick();
        s.Tick();
        Assert.Equal(["notify Paused", "audit pause Progressing->Paused"], s.Effects);
        Assert.Equal((RolloutPhase.Paused, PauseCause.Plan), (s.Active.Phase, s.Active.PausedBy));

        Assert.Empty(s.Tick().Effects);

        s.Send(new Resume { By = Story.Ann });
        Assert.Equal(["notify Resumed", "audit resume Paused->Progressing", "schedule 2 +0s"], s.Effects);
        Assert.Equal((RolloutPhase.Progressing, 2), (s.Active.Phase, s.Active.StepIndex));
        s.Tick();
        Assert.Equal("setTraffic 50", s.Effects[0]);
    }

    [Fact]
    public void ApprovalStep_TimeoutWithRollback_RollsBackAtDeadline()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10),
            new ApprovalStep { Timeout = TimeSpan.FromHours(1), OnTimeout = TimeoutAction.Rollback }, new PromoteStep()));
        s.Start();
        s.Tick();
        s.Tick();
        Assert.Equal(["notify WaitingApproval", "audit wait-approval Progressing->WaitingApproval", "schedule 1 +3600s"], s.Effects);
        Assert.Equal(Story.T0.AddHours(1), s.Active.NextDueAt);

        s.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(s.Tick().Effects);

        s.Advance(TimeSpan.FromMinutes(1));
        s.Tick();
        Assert.Equal(["audit rollback WaitingApproval->RollingBack", "rollbackTraffic", "notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
        Assert.Equal(RolloutPhase.RolledBack, s.State.LastFinished!.Phase);
        Assert.Contains("approval timed out after 1h (0 of 1 approvals)", s.State.LastFinished.Reason);
    }

    [Fact]
    public void ApprovalStep_TimeoutWithHold_StaysWaitingAndSaysSo()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10),
            new ApprovalStep { Timeout = TimeSpan.FromMinutes(30), OnTimeout = TimeoutAction.Hold }, new PromoteStep()));
        s.Start();
        s.Tick();
        s.Tick();
        s.Advance(TimeSpan.FromMinutes(30));

        s.Tick();

        Assert.Equal(["notify Reminder", "audit approval-timeout WaitingApproval->WaitingApproval"], s.Effects);
        Assert.Equal(RolloutPhase.WaitingApproval, s.Active.Phase);
        Assert.Null(s.Active.NextDueAt);
        s.Approve(Story.Bob);
        Assert.Equal(RolloutPhase.Progressing, s.Active.Phase);
    }

    [Fact]
    public void HeaderRouteAndMirror_AppliedThenRemovedAtSuccess()
    {
        var s = new Story(Configs.Checkout(new HeaderRouteStep("x-canary", "always"), new MirrorStep(20), new SetWeightStep(50), new PromoteStep()));
        s.Start();
        s.Tick();
        Assert.Equal("headerRoute x-canary=always", s.Effects[0]);
        s.Tick();
        Assert.Equal("mirror 20", s.Effects[0]);
        s.Tick();
        s.Tick();
        s.StableReady();
        Assert.Equal(["headerRoute off", "mirror off", "setTraffic 0", "notify Succeeded", "audit succeed Progressing->Succeeded"], s.Effects);
    }

    [Fact]
    public void PlanWithoutPromote_RunningPastLastStep_PromotesImplicitly()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(50)));
        s.Start();
        s.Tick();
        s.Tick();
        Assert.Equal(["audit promote Progressing->Progressing", "setTraffic 100", "stableImage registry.example.com/checkout:1.4.2",
            "check stable step 1", "notify StepDone"], s.Effects);
        s.StableReady();
        Assert.Equal(["setTraffic 0", "notify Succeeded", "audit succeed Progressing->Succeeded"], s.Effects);
    }

    [Fact]
    public void SetImage_ProgressingThenReady_RechecksThenAdvances()
    {
        var s = new Story(Configs.Checkout(new SetImageStep(), new SetWeightStep(10), new PromoteStep()).WithDeployments());
        s.Start("2.0.0");
        s.Tick();
        Assert.Equal(["canaryImage registry.example.com/checkout:2.0.0", "check canary step 0", "audit set-canary-image Pending->Progressing"], s.Effects);

        s.Send(new DeploymentObserved("checkout-1", 0, DeploymentRole.Canary, ReadinessState.Progressing, "1 of 2 updated replicas") { By = Actor.System });
        Assert.Equal(["schedule 0 +5s"], s.Effects);
        s.Advance(TimeSpan.FromSeconds(5));
        s.Tick();
        Assert.Equal(["check canary step 0"], s.Effects);

        s.Send(new DeploymentObserved("checkout-1", 0, DeploymentRole.Canary, ReadinessState.Ready, "2 of 2 ready") { By = Actor.System });
        Assert.Equal(["notify StepDone", "audit step Progressing->Progressing", "schedule 1 +0s"], s.Effects);
        Assert.Equal(1, s.Active.StepIndex);
    }

    [Fact]
    public void SetImage_DeploymentFailed_RollsBack()
    {
        var s = new Story(Configs.Checkout(new SetImageStep(), new PromoteStep()).WithDeployments());
        s.Start();
        s.Tick();

        s.Send(new DeploymentObserved("checkout-1", 0, DeploymentRole.Canary, ReadinessState.Failed, "ProgressDeadlineExceeded") { By = Actor.System });

        Assert.Equal(["audit rollback Progressing->RollingBack", "rollbackTraffic", "notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
        Assert.Contains("ProgressDeadlineExceeded", s.State.LastFinished!.Reason);
    }

    [Fact]
    public void Promote_WithDeployments_MovesStableThenShiftsTrafficBack()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new PromoteStep()).WithDeployments(scaleDown: true));
        s.Start("2.0.0");
        s.Tick();
        s.Tick();
        Assert.Equal(["audit promote Progressing->Progressing", "setTraffic 100", "stableImage registry.example.com/checkout:2.0.0",
            "check stable step 1", "notify StepDone"], s.Effects);
        Assert.True(s.Active.Promoting);
        Assert.Equal(100, s.Active.CanaryWeight);

        s.Send(new DeploymentObserved("checkout-1", 1, DeploymentRole.Stable, ReadinessState.Ready, "3 of 3 ready") { By = Actor.System });

        // Stable (now the new version) takes all traffic back; the canary shrinks only after the cluster accepted that.
        Assert.Equal(["setTraffic 0", "notify Succeeded", "audit succeed Progressing->Succeeded", "scaleCanary 0"], s.Effects);
        Assert.Equal((RolloutPhase.Succeeded, 0), (s.State.LastFinished!.Phase, s.State.LastFinished.CanaryWeight));
    }

    [Fact]
    public void Promote_StableDeploymentFails_PausesForAHumanInsteadOfRollingBack()
    {
        var s = new Story(Configs.Checkout(new PromoteStep()).WithDeployments());
        s.Start();
        s.Tick();

        s.Send(new DeploymentObserved("checkout-1", 0, DeploymentRole.Stable, ReadinessState.Failed, "ImagePullBackOff") { By = Actor.System });

        Assert.Equal(["notify Failed", "audit pause Progressing->Paused"], s.Effects);
        Assert.Equal((RolloutPhase.Paused, PauseCause.Failure), (s.Active.Phase, s.Active.PausedBy));
        s.Send(new Resume { By = Story.Ann });
        Assert.Equal(["notify Resumed", "audit resume Paused->Progressing", "stableImage registry.example.com/checkout:1.4.2", "schedule 0 +0s"], s.Effects);
    }
}

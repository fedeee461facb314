using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>Issue 9, findings 3-5: state says what the cluster accepted; the Kubernetes API failing makes a rollout wait,
/// never roll back; a plan whose promote cannot move the stable Deployment is refused.</summary>
public class TrafficSafetyTests
{
    /// <summary>setWeight 40 applied (the cluster at 60/40), then setWeight 50 asked for; the cluster accepts nothing more.</summary>
    private static Story At40Asking50()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(40), new SetWeightStep(50), new PromoteStep()));
        s.Start();
        s.Tick();
        Assert.Equal(40, s.Active.CanaryWeight);
        s.ClusterAccepts = false;
        s.Tick();
        Assert.Equal(["setTraffic 50"], s.Effects);
        return s;
    }

    // ---- finding 3: "done" only after the write; a rollback stays visible until the cluster takes it ----------------

    [Fact]
    public void SetWeight_BeforeTheClusterAccepts_NothingSaysDoneAndTheWeightIsTheOldOne()
    {
        var s = At40Asking50();

        Assert.Equal((1, 40), (s.Active.StepIndex, s.Active.CanaryWeight));

        s.Accept();
        Assert.Equal(["notify StepDone", "audit step Progressing->Progressing", "schedule 2 +0s"], s.Effects);
        Assert.Equal((2, 50), (s.Active.StepIndex, s.Active.CanaryWeight));
        Assert.Contains("step 2/3 (setWeight 50) done: canary at 50%", s.Notices.Single().Text);
    }

    [Fact]
    public void SetWeight_PatchRejected_RollsBackVisiblyAndRetriesTheRollbackUntilTheClusterAcceptsIt()
    {
        var s = At40Asking50();

        s.Fail<SetTraffic>("patch virtualservices.networking.istio.io shop/checkout failed with 422 Invalid");
        Assert.Equal(["audit rollback Progressing->RollingBack", "rollbackTraffic"], s.Effects);
        Assert.Equal((RolloutPhase.RollingBack, 40), (s.Active.Phase, s.Active.CanaryWeight));

        // The rollback is not accepted either: still rolling back at 40%, said once, tried again with back-off.
        s.Fail<RollbackTraffic>("patch virtualservices.networking.istio.io shop/checkout failed with 500 InternalError", transient: true);
        Assert.Equal(["notify Retrying", "audit rollback-retry RollingBack->RollingBack", "schedule 1 +2s"], s.Effects);
        var notice = s.Notices.Single();
        Assert.Contains("rolling back: the cluster did not accept the rollback", notice.Text);
        Assert.Contains("traffic stays at canary 40%", notice.Text);
        Assert.Equal((RolloutPhase.RollingBack, 40), (notice.Snapshot.Phase, notice.Snapshot.CanaryWeight));
        Assert.Equal((1, Story.T0.AddSeconds(2)), (s.Active.Retry!.Attempt, s.Active.NextDueAt));
        Assert.Null(s.State.LastFinished);

        Assert.Empty(s.Tick().Effects); // an early message waits for the retry time
        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        Assert.Equal(["rollbackTraffic"], s.Effects);
        s.Fail<RollbackTraffic>("connection refused", transient: true);
        Assert.Equal(["schedule 1 +4s"], s.Effects);

        s.Advance(TimeSpan.FromSeconds(4));
        s.Tick();
        Assert.Equal(["rollbackTraffic"], s.Effects);
        s.Accept();
        Assert.Equal(["notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
        var done = s.State.LastFinished!;
        Assert.Equal((RolloutPhase.RolledBack, 0), (done.Phase, done.CanaryWeight));
        Assert.Contains("traffic back to stable", s.Notices.Single().Text);
        Assert.Null(s.State.Active);
    }

    [Fact]
    public void Rollback_WhileRollingBack_TriesAgainNowAndOtherCommandsAreRefused()
    {
        var s = At40Asking50();
        s.Send(new Rollback { By = Story.Ann, Reason = "errors" });
        s.Fail<RollbackTraffic>("503 ServiceUnavailable", transient: true);

        foreach (RolloutInput cmd in new RolloutInput[] { new Pause { By = Story.Bob }, new Resume { By = Story.Bob }, new Promote { By = Story.Bob } })
        {
            var refused = s.Send(cmd).Refused!;
            Assert.Equal(RefusalKind.Conflict, refused.Kind);
            Assert.Contains("checkout-1 is rolling back (errors)", refused.Message);
            Assert.Contains("next attempt at 2026-11-02 09:00:02Z", refused.Message);
        }

        var again = s.Send(new Rollback { By = Story.Bob });
        Assert.Equal(["rollbackTraffic"], s.Effects);
        Assert.Contains("already rolling back", again.Message);
    }

    [Fact]
    public void Supersede_NewRolloutStartsOnlyAfterTheOldTrafficIsBack()
    {
        var s = At40Asking50();
        s.Accept();
        s.Start("1.5.0");
        Assert.Equal(["audit supersede Progressing->RollingBack", "rollbackTraffic"], s.Effects);
        Assert.Equal(("checkout-1", RolloutPhase.RollingBack), (s.Active.Id, s.Active.Phase));
        Assert.Equal("1.5.0", Assert.Single(s.State.Queue).Version);

        s.Accept();
        Assert.Equal(["notify Superseded [checkout-1]", "audit aborted RollingBack->Aborted [checkout-1]",
            "notify Started", "audit start Pending->Pending", "verifyRoute", "schedule 0 +0s"], s.Effects);
        Assert.Equal((RolloutPhase.Aborted, 0), (s.State.LastFinished!.Phase, s.State.LastFinished.CanaryWeight));
        Assert.Equal(("checkout-2", 2), (s.Active.Id, s.Active.Revision));
    }

    // ---- finding 4: the Kubernetes API failing is not a canary failure ------------------------------------------------

    [Fact]
    public void SetWeight_KubernetesApiFails_WaitsWithBackoffAndContinuesWhenItAnswers_NeverRollsBack()
    {
        var s = At40Asking50();

        s.Fail<SetTraffic>("patch virtualservices.networking.istio.io shop/checkout failed with 500 InternalError", transient: true);
        Assert.Equal(["notify Retrying", "audit wait-cluster Progressing->Progressing", "schedule 1 +2s"], s.Effects);
        Assert.Equal((RolloutPhase.Progressing, 1, 40), (s.Active.Phase, s.Active.StepIndex, s.Active.CanaryWeight));
        var text = s.Notices.Single().Text;
        Assert.Contains("waiting at step 2/3 (setWeight 50): the Kubernetes API failed", text);
        Assert.Contains("not rolled back", text);
        Assert.Contains("next attempt at 2026-11-02 09:00:02Z", text);

        // 429, 409 gave-up and dropped connections: the same wait, the delay doubling.
        var delays = new List<string>();
        foreach (var error in new[] { "429 TooManyRequests", "409 Conflict: gave up after 5 attempts", "connection reset by peer" })
        {
            s.Advance(s.Active.NextDueAt!.Value - s.Now);
            s.Tick();
            Assert.Equal(["setTraffic 50"], s.Effects);
            s.Fail<SetTraffic>(error, transient: true);
            delays.Add(Assert.Single(s.Effects));
        }
        Assert.Equal(["schedule 1 +4s", "schedule 1 +8s", "schedule 1 +16s"], delays);
        Assert.Equal(4, s.Active.Retry!.Attempt);

        s.Advance(TimeSpan.FromSeconds(16));
        s.Tick();
        s.Accept();
        Assert.Equal(["notify StepDone", "audit step Progressing->Progressing", "schedule 2 +0s"], s.Effects);
        Assert.Equal((2, 50), (s.Active.StepIndex, s.Active.CanaryWeight));
        Assert.Null(s.Active.Retry);
    }

    [Fact]
    public void RetryDelay_DoublesFromTwoSecondsCappedAtOneMinute() =>
        Assert.Equal([2, 4, 8, 16, 32, 60, 60, 60],
            Enumerable.Range(1, 8).Select(a => (int)RolloutMachine.RetryDelay(a).TotalSeconds));

    [Fact]
    public void Rollback_AskedForDuringTheOutage_IsAppliedWhenTheApiReturns()
    {
        var s = At40Asking50();
        s.Fail<SetTraffic>("503 ServiceUnavailable", transient: true);

        s.Send(new Rollback { By = Story.Ann, Reason = "giving up on this one" });
        Assert.Equal(["audit rollback Progressing->RollingBack", "rollbackTraffic"], s.Effects);
        s.Fail<RollbackTraffic>("503 ServiceUnavailable", transient: true);
        Assert.Equal(["notify Retrying", "audit rollback-retry RollingBack->RollingBack", "schedule 1 +2s"], s.Effects);

        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        s.Accept();
        Assert.Equal(["notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
        Assert.Equal((RolloutPhase.RolledBack, "giving up on this one"), (s.State.LastFinished!.Phase, s.State.LastFinished.Reason));
    }

    [Fact]
    public void VerifyRoute_KubernetesApiFails_WaitsThenVerifiesBeforeTheFirstStep()
    {
        var s = new Story(Configs.Checkout());
        s.ClusterAccepts = false;
        s.Start();
        s.Fail<VerifyRoute>("get virtualservices.networking.istio.io shop/checkout failed with 500 InternalError", transient: true);
        Assert.Equal(["notify Retrying", "audit wait-cluster Pending->Pending", "schedule 0 +2s"], s.Effects);
        Assert.Equal(RolloutPhase.Pending, s.Active.Phase);

        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        Assert.Equal(["verifyRoute", "setTraffic 10"], s.Effects);
        s.Accept();
        Assert.Equal(["notify StepDone", "audit step Pending->Progressing", "schedule 1 +0s"], s.Effects);
        Assert.Null(s.Active.Retry);
    }

    [Fact]
    public void VerifyRoute_KubernetesApiFailsBeforeAnApprovalStep_ChecksAgainWhileTheApprovalWaits()
    {
        var s = new Story(Configs.Checkout(new ApprovalStep { Timeout = TimeSpan.FromHours(1) }, new SetWeightStep(10), new PromoteStep()));
        s.ClusterAccepts = false;
        s.Start();
        s.Fail<VerifyRoute>("503 ServiceUnavailable", transient: true);
        Assert.Equal(["notify Retrying", "audit wait-cluster Pending->Pending", "schedule 0 +2s"], s.Effects);

        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        Assert.Equal(["verifyRoute", "notify WaitingApproval", "audit wait-approval Pending->WaitingApproval", "schedule 0 +3600s"], s.Effects);
        s.Fail<VerifyRoute>("503 ServiceUnavailable", transient: true);
        Assert.Equal(["schedule 0 +4s"], s.Effects);

        s.Advance(TimeSpan.FromSeconds(4));
        s.Tick();
        Assert.Equal(["verifyRoute"], s.Effects); // checked again; the approval keeps waiting
        s.Accept();
        Assert.Equal(["schedule 0 +3596s"], s.Effects); // the approval deadline is due again
        Assert.Equal((RolloutPhase.WaitingApproval, null), (s.Active.Phase, s.Active.Retry));
        Assert.Equal(Story.T0.AddSeconds(2).AddHours(1), s.Active.NextDueAt);
    }

    [Fact]
    public void VerifyRoute_ObjectsMissing_StillFails()
    {
        var s = new Story(Configs.Checkout());
        s.ClusterAccepts = false;
        s.Start();
        s.Fail<VerifyRoute>("DestinationRule shop/checkout lacks subset(s) 'canary'");
        Assert.Equal(["notify Failed", "audit fail Pending->Failed"], s.Effects);
    }

    [Fact]
    public void Promote_TrafficShiftFailsTransiently_RetriesTheShiftBeforeTouchingStable()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(100), new PromoteStep()));
        s.Start();
        s.Tick();
        s.ClusterAccepts = false;
        s.Tick();
        Assert.Equal(["audit promote Progressing->Progressing", "setTraffic 100"], s.Effects);
        s.Fail<SetTraffic>("503 ServiceUnavailable", transient: true);
        Assert.Equal(["notify Retrying", "audit wait-cluster Progressing->Progressing", "schedule 1 +2s"], s.Effects);

        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        Assert.Equal(["setTraffic 100"], s.Effects); // not a stable check: stable has not moved yet
        s.Accept();
        Assert.Equal(["stableImage registry.example.com/checkout:1.4.2", "check stable step 1", "notify StepDone"], s.Effects);

        // The stable image write fails transiently: the retry repeats it before checking readiness again.
        s.Fail<SetStableImage>("timeout after 10s", transient: true);
        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        Assert.Equal(["stableImage registry.example.com/checkout:1.4.2", "check stable step 1"], s.Effects);
    }

    [Fact]
    public void Promote_TrafficBackToStableFailsTransiently_SucceedsOnlyAfterItIsAccepted()
    {
        var s = new Story(Configs.Checkout(new PromoteStep()));
        s.Start();
        s.Tick();
        s.ClusterAccepts = false;
        s.StableReady();
        Assert.Equal(["setTraffic 0"], s.Effects);
        s.Fail<SetTraffic>("503 ServiceUnavailable", transient: true);
        Assert.Equal(100, s.Active.CanaryWeight);

        s.Advance(TimeSpan.FromSeconds(2));
        s.Tick();
        Assert.Equal(["check stable step 0"], s.Effects);
        s.StableReady();
        s.Accept();
        Assert.Equal(["notify Succeeded", "audit succeed Progressing->Succeeded"], s.Effects);
        Assert.Equal((RolloutPhase.Succeeded, 0), (s.State.LastFinished!.Phase, s.State.LastFinished.CanaryWeight));
    }

    // ---- finding 5: promote must be able to move stable --------------------------------------------------------------

    [Fact]
    public void Start_PlanWithoutDeployments_RefusedWithTheFix()
    {
        var s = new Story(Configs.Checkout().WithoutDeployments());
        var d = s.Start();
        Assert.Equal(RefusalKind.Invalid, d.Refused!.Kind);
        Assert.Contains("checkout: deployments is missing", d.Refused.Message);
        Assert.Contains("add deployments: {canary, stable, image}", d.Refused.Message);
        Assert.Null(s.State.Active);
    }

    [Fact]
    public void Promote_StoredRolloutWithoutDeployments_HoldsInsteadOfLeavingStableOld()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new PromoteStep()));
        s.Start();
        s.Tick();
        // A rollout committed before deployments were required.
        var old = s.State with { Active = s.Active with { Config = s.Active.Config.WithoutDeployments() } };
        var d = RolloutMachine.Decide(old, new StepDue("checkout-1", 1) { By = Actor.Timer }, s.Now);

        Assert.DoesNotContain(d.Effects, e => e is SetTraffic);
        Assert.Equal((RolloutPhase.Paused, PauseCause.Failure), (d.State.Active!.Phase, d.State.Active.PausedBy));
        Assert.Contains("no deployments section", d.State.Active.Reason);
    }
}

using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

public class RolloutMachineCommandTests
{
    private static Story AtApproval(int count = 1, bool distinct = true)
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new ApprovalStep { Count = count }, new SetWeightStep(50), new PromoteStep())
            .WithPolicy(NewRevisionPolicy.Supersede, distinct));
        s.Start(by: Story.Ann);
        s.Tick();
        s.Tick();
        Assert.Equal(RolloutPhase.WaitingApproval, s.Active.Phase);
        return s;
    }

    [Fact]
    public void Approve_TwoDistinctApproversNeeded_SamePersonTwiceCountsOnce()
    {
        var s = AtApproval(count: 2);

        s.Approve(Story.Bob);
        Assert.Equal(["notify Approved", "audit approve WaitingApproval->WaitingApproval"], s.Effects);
        var dup = s.Approve(Story.Bob with { Name = "Bob B." });
        Assert.True(dup.Accepted);
        Assert.Empty(dup.Effects);
        Assert.Contains("counts once (1 of 2)", dup.Message);
        Assert.Equal(RolloutPhase.WaitingApproval, s.Active.Phase);

        s.Approve(Story.Cid);
        Assert.Equal(["notify Approved", "audit approve WaitingApproval->Progressing", "schedule 2 +0s"], s.Effects);
        Assert.Contains("bob, cid (2 of 2)", s.Last.Message);
    }

    [Fact]
    public void Approve_ByRequesterWithDistinctApprover_Forbidden()
    {
        var s = AtApproval();
        var d = s.Approve(Story.Ann);
        Assert.Equal(RefusalKind.Forbidden, d.Refused!.Kind);
        Assert.Contains("distinctApprover", d.Refused.Message);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Approve_ByRequesterWithoutDistinctApprover_Advances()
    {
        var s = AtApproval(distinct: false);
        Assert.True(s.Approve(Story.Ann).Accepted);
        Assert.Equal(2, s.Active.StepIndex);
    }

    [Theory]
    [InlineData(0, 1, "step 1, revision 1")]
    [InlineData(1, 2, "step 2, revision 2")]
    public void Approve_BoundToOtherStepOrRevision_RefusedAsStale(int step, int revision, string shown)
    {
        var s = AtApproval();
        var d = s.Send(new Approve("checkout-1", step, revision) { By = Story.Bob });
        Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
        Assert.StartsWith("stale approval", d.Refused.Message);
        Assert.Contains(shown, d.Refused.Message);
        Assert.Contains("now waiting for approval at step 2/4", d.Refused.Message);
    }

    [Fact]
    public void Approve_ForSupersededRollout_RefusedNamingCurrent()
    {
        var s = AtApproval();
        s.Start("1.5.0");
        var d = s.Send(new Approve("checkout-1", 1, 1) { By = Story.Bob });
        Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
        Assert.Contains("checkout-1 (1.4.2) already aborted", d.Refused.Message);
    }

    [Fact]
    public void Approve_NotWaiting_Conflict()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        var d = s.Send(new Approve { By = Story.Bob });
        Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
        Assert.Contains("not waiting for approval", d.Refused.Message);
    }

    public static TheoryData<int> NonTerminalPoints => new() { 0, 1, 2, 3 };

    [Theory]
    [MemberData(nameof(NonTerminalPoints))]
    public void Rollback_FromEveryNonTerminalPhase_ReturnsTrafficAndFinishes(int ticks)
    {
        // 0: Pending, 1: Progressing, 2: WaitingApproval, 3: Paused (by command).
        var s = AtApproval();
        if (ticks < 2) { s = new Story(s.Config); s.Start(); for (var i = 0; i < ticks; i++) s.Tick(); }
        if (ticks == 3) s.Send(new Pause { By = Story.Bob });
        var from = s.Active.Phase;

        s.Send(new Rollback { By = Story.Bob, Reason = "error rate 5%" });

        Assert.Equal([$"audit rollback {from}->RollingBack", "rollbackTraffic", "notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
        Assert.Null(s.State.Active);
        Assert.Equal(("error rate 5%", 0), (s.State.LastFinished!.Reason, s.State.LastFinished.CanaryWeight));
    }

    [Fact]
    public void Commands_OnFinishedRollout_ConflictSayingWhenItFinished()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new PromoteStep()));
        s.Start();
        s.Tick();
        s.Tick();
        s.StableReady();
        var finished = s.State;

        foreach (RolloutInput cmd in new RolloutInput[]
                 {
                     new Approve("checkout-1") { By = Story.Bob }, new Rollback("checkout-1") { By = Story.Bob }, new Pause("checkout-1") { By = Story.Bob },
                     new Resume("checkout-1") { By = Story.Bob }, new Promote("checkout-1") { By = Story.Bob }, new Abort("checkout-1") { By = Story.Bob },
                 })
        {
            var d = s.Send(cmd);
            Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
            Assert.Contains("rollout checkout-1 (1.4.2) already succeeded at 2026-11-02 09:00:00Z", d.Refused.Message);
            Assert.Same(finished, s.State);
        }
    }

    [Fact]
    public void Commands_NoActiveRollout_NotFound()
    {
        var s = new Story(Configs.Checkout());
        var d = s.Send(new Rollback { By = Story.Bob });
        Assert.Equal(RefusalKind.NotFound, d.Refused!.Kind);
        Assert.Equal("no active rollout for checkout", d.Refused.Message);
    }

    [Fact]
    public void PauseResume_DuringBake_KeepsBakeEnd()
    {
        var s = new Story(Configs.Checkout(new PauseStep(TimeSpan.FromMinutes(10)), new PromoteStep()));
        s.Start();
        s.Tick();
        s.Advance(TimeSpan.FromMinutes(2));
        s.Send(new Pause { By = Story.Bob, Reason = "checking dashboards" });
        Assert.Equal(["notify Paused", "audit pause Progressing->Paused"], s.Effects);
        Assert.Equal(RefusalKind.Conflict, s.Send(new Pause { By = Story.Bob }).Refused!.Kind);
        s.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(s.Tick().Effects);

        s.Send(new Resume { By = Story.Bob });
        Assert.Equal(["notify Resumed", "audit resume Paused->Progressing", "schedule 0 +0s"], s.Effects);
        s.Tick();
        Assert.Equal(1, s.Active.StepIndex);
    }

    [Fact]
    public void Resume_NotPaused_Conflict() =>
        Assert.Equal(RefusalKind.Conflict, StartedStory().Send(new Resume { By = Story.Bob }).Refused!.Kind);

    [Fact]
    public void Promote_Command_SkipsRemainingStepsToFullTraffic()
    {
        var s = AtApproval();
        s.Send(new Promote { By = Story.Bob });
        Assert.Equal(["audit promote WaitingApproval->Progressing", "setTraffic 100", "stableImage registry.example.com/checkout:1.4.2",
            "check stable step 1", "notify StepDone"], s.Effects);
        s.StableReady();
        Assert.Equal(["setTraffic 0", "notify Succeeded", "audit succeed Progressing->Succeeded"], s.Effects);
        Assert.Equal(RolloutPhase.Succeeded, s.State.LastFinished!.Phase);
    }

    [Fact]
    public void Abort_Active_MarksAborted()
    {
        var s = StartedStory();
        s.Send(new Abort { By = Story.Bob });
        Assert.Equal(["audit abort Progressing->RollingBack", "rollbackTraffic", "notify Aborted", "audit aborted RollingBack->Aborted"], s.Effects);
        Assert.Equal(RolloutPhase.Aborted, s.State.LastFinished!.Phase);
    }

    private static Story StartedStory()
    {
        var s = new Story(Configs.Checkout());
        s.Start();
        s.Tick();
        return s;
    }

    // ---- new revisions -------------------------------------------------------------------------------------------

    [Fact]
    public void Start_WhileActiveWithSupersede_AbortsOldAndStartsNewRevision()
    {
        var s = StartedStory();
        s.Start("1.5.0");
        // The new rollout starts only once the cluster accepted the old one's rollback.
        Assert.Equal(["audit supersede Progressing->RollingBack [checkout-1]", "rollbackTraffic [checkout-1]", "notify Superseded [checkout-1]",
            "audit aborted RollingBack->Aborted [checkout-1]", "notify Started", "audit start Pending->Pending", "verifyRoute", "schedule 0 +0s"], s.Effects);
        Assert.Equal(("checkout-2", "1.5.0", 2), (s.Active.Id, s.Active.Version, s.Active.Revision));
        Assert.Equal((RolloutPhase.Aborted, "superseded by 1.5.0"), (s.State.LastFinished!.Phase, s.State.LastFinished.Reason));
    }

    [Fact]
    public void Start_WhileActiveWithQueue_QueuesAndStartsWhenActiveFinishes()
    {
        var s = new Story(Configs.Checkout(new SetWeightStep(10), new PromoteStep()).WithPolicy(NewRevisionPolicy.Queue));
        s.Start();
        s.Tick();
        s.Start("1.5.0");
        Assert.Equal(["notify Queued", "audit queue Progressing->Progressing"], s.Effects);
        Assert.Equal("1.5.0", Assert.Single(s.State.Queue).Version);
        Assert.Equal(RefusalKind.Conflict, s.Start("1.5.0").Refused!.Kind);

        s.Tick();
        s.StableReady();

        Assert.Equal(["setTraffic 0 [checkout-1]", "notify Succeeded [checkout-1]", "audit succeed Progressing->Succeeded [checkout-1]",
            "notify Started", "audit start Pending->Pending", "verifyRoute", "schedule 0 +0s"], s.Effects);
        Assert.Equal(("checkout-2", "1.5.0"), (s.Active.Id, s.Active.Version));
        Assert.Empty(s.State.Queue);
    }

    [Fact]
    public void Start_WhileActiveWithReject_ConflictNamingActive()
    {
        var s = new Story(Configs.Checkout().WithPolicy(NewRevisionPolicy.Reject));
        s.Start();
        var d = s.Start("1.5.0");
        Assert.Equal(RefusalKind.Conflict, d.Refused!.Kind);
        Assert.Contains("checkout-1 (checkout 1.4.2) is active", d.Refused.Message);
    }

    [Fact]
    public void Start_SameVersionWhileActive_Conflict() =>
        Assert.Contains("already rolling out as checkout-1", StartedStory().Start("1.4.2").Refused!.Message);

    [Fact]
    public void Start_ConfigOfOtherService_Invalid()
    {
        var s = new Story(Configs.Checkout());
        var d = s.Start(config: Configs.Checkout() with { Service = "payments" });
        Assert.Equal(RefusalKind.Invalid, d.Refused!.Kind);
    }

    // ---- effect failures ------------------------------------------------------------------------------------------

    [Fact]
    public void EffectFailed_VerifyRoute_FailsBeforeAnyTrafficMoved()
    {
        var s = new Story(Configs.Checkout());
        var start = s.Start();
        var verify = start.Effects.OfType<VerifyRoute>().Single();

        s.Send(new EffectFailed("checkout-1", verify, "DestinationRule shop/checkout has no subset canary") { By = Actor.System });

        Assert.Equal(["notify Failed", "audit fail Pending->Failed"], s.Effects);
        Assert.Contains("no subset canary", s.State.LastFinished!.Reason);
        Assert.Empty(s.Send(new StepDue("checkout-1", 0) { By = Actor.Timer }).Effects);
    }

    [Fact]
    public void EffectFailed_Drift_PausesAndResumeReassertsWeight()
    {
        var s = StartedStory();
        var set = new SetTraffic(Ports.TrafficTarget.For(s.Config), 10) { RolloutId = "checkout-1" };

        s.Send(new EffectFailed("checkout-1", set, "live canary weight is 30, bot wrote 10", IsDrift: true) { By = Actor.System });
        Assert.Equal(["notify Drift", "audit drift Progressing->Paused"], s.Effects);
        Assert.Equal(PauseCause.Drift, s.Active.PausedBy);

        s.Send(new Resume { By = Story.Bob });
        Assert.Equal(["notify Resumed", "audit resume Paused->Progressing", "setTraffic 10", "schedule 1 +0s"], s.Effects);
    }

    [Fact]
    public void EffectFailed_SetTraffic_RollsBack()
    {
        var s = StartedStory();
        var set = new SetTraffic(Ports.TrafficTarget.For(s.Config), 10) { RolloutId = "checkout-1" };
        s.Send(new EffectFailed("checkout-1", set, "422 Unprocessable") { By = Actor.System });
        Assert.Equal(["audit rollback Progressing->RollingBack", "rollbackTraffic", "notify RolledBack", "audit rolled-back RollingBack->RolledBack"], s.Effects);
    }

    [Fact]
    public void EffectFailed_Notify_DoesNotTouchTheRollout()
    {
        var s = StartedStory();
        var before = s.State;
        var d = s.Send(new EffectFailed("checkout-1", new Notify(NoticeKind.StepDone, "x", s.Active) { RolloutId = "checkout-1" }, "slack 500") { By = Actor.System });
        Assert.Same(before, d.State);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void StateJson_RoundTrip_KeepsPhaseStepsAndPauseCause()
    {
        var s = StartedStory();
        s.Send(new Pause { By = Story.Bob });
        var json = StateJson.Serialize(s.State);
        var back = StateJson.Deserialize<ServiceState>(json);
        Assert.Equal(s.Active.PausedBy, back.Active!.PausedBy);
        Assert.Equal(s.Config.Steps.Select(x => x.Describe()), back.Active.Config.Steps.Select(x => x.Describe()));
        Assert.Equal(StateJson.Serialize(back), json);
    }
}

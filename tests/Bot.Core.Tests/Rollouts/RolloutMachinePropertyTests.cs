using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>Random input sequences (fixed seeds, so failures replay) must never break the machine's invariants.</summary>
public class RolloutMachinePropertyTests
{
    private static readonly Actor[] People = [Story.Ann, Story.Bob, Story.Cid, Story.Deployer, Actor.Timer];

    private static readonly ReleaseConfig[] Plans =
    [
        Configs.Checkout(),
        Configs.Checkout(new SetWeightStep(5), new ApprovalStep { Count = 2, Timeout = TimeSpan.FromMinutes(5) }, new PauseStep(TimeSpan.FromMinutes(1)),
            new SetWeightStep(50), new PauseStep(null), new PromoteStep()).WithPolicy(NewRevisionPolicy.Queue),
        Configs.Checkout(new SetImageStep(), new HeaderRouteStep("x-canary", "1"), new MirrorStep(10), new SetWeightStep(30),
            new ApprovalStep { Timeout = TimeSpan.FromMinutes(2), OnTimeout = TimeoutAction.Hold }, new PromoteStep()).WithDeployments(true),
        Configs.Checkout(new SetWeightStep(100)).WithPolicy(NewRevisionPolicy.Reject, distinct: false),
    ];

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var seed = 1; seed <= 40; seed++) data.Add(seed);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Decide_RandomInputSequences_KeepsInvariants(int seed)
    {
        var rng = new Random(seed);
        var state = ServiceState.Empty("checkout");
        var now = Story.T0;
        var terminalIds = new HashSet<string>();
        var lastSequence = 0;
        IReadOnlyList<Effect> lastEffects = [];

        for (var i = 0; i < 300; i++)
        {
            now += TimeSpan.FromSeconds(rng.Next(0, 400));
            var input = RandomInput(rng, state, lastEffects);
            var before = state;
            var d = RolloutMachine.Decide(state, input, now);
            var where = $"seed {seed}, input {i}: {input.GetType().Name}";

            if (!d.Accepted)
            {
                Assert.True(ReferenceEquals(before, d.State), where);
                Assert.True(d.Effects.Count == 0, where);
                continue;
            }
            state = d.State;
            lastEffects = d.Effects;

            Assert.All(d.Effects.OfType<SetTraffic>(), t => Assert.InRange(t.CanaryWeight, 0, 100));
            Assert.All(d.Effects.OfType<SetMirror>(), m => Assert.InRange(m.Percent ?? 0, 0, 100));
            if (state.Active is { } a)
            {
                Assert.False(a.IsTerminal, where);
                Assert.InRange(a.CanaryWeight, 0, 100);
                Assert.DoesNotContain(a.Id, terminalIds);
                Assert.InRange(a.StepIndex, 0, a.Config.Steps.Count);
            }
            if (state.LastFinished is { } f)
            {
                Assert.True(f.IsTerminal, where);
                terminalIds.Add(f.Id);
            }
            if (before.LastFinished is { } prev && state.LastFinished?.Id == prev.Id)
                Assert.True(state.LastFinished.IsTerminal, where);
            Assert.True(state.Sequence >= lastSequence, where);
            lastSequence = state.Sequence;
            var moved = before.Active?.Id != state.Active?.Id || before.Active?.Phase != state.Active?.Phase
                || before.Active?.StepIndex != state.Active?.StepIndex || before.LastFinished?.Id != state.LastFinished?.Id;
            if (moved)
                Assert.True(d.Effects.OfType<AuditEntry>().Any(), $"{where}: phase or step changed without an audit entry");

            // Truthful state: the weight a rollout shows changes only when the cluster accepted a write for it...
            if (before.Active is { } b && state.Active is { } n && b.Id == n.Id && b.CanaryWeight != n.CanaryWeight)
                Assert.True(input is TrafficApplied { Effect: SetTraffic } t && t.RolloutId == n.Id, $"{where}: canary weight changed without an accepted write");
            // ...and it is rolled back or aborted only once the cluster accepted the rollback.
            if (state.LastFinished is { Phase: RolloutPhase.RolledBack or RolloutPhase.Aborted } fin && !ReferenceEquals(before.LastFinished, state.LastFinished))
                Assert.True(input is TrafficApplied { Effect: RollbackTraffic } && fin.CanaryWeight == 0, $"{where}: finished as {fin.Phase} without an accepted rollback");
            // The Kubernetes API failing never starts a rollback.
            if (input is EffectFailed { IsTransient: true } && before.Active?.Phase != RolloutPhase.RollingBack)
                Assert.DoesNotContain(d.Effects, e => e is RollbackTraffic);
        }
    }

    private static RolloutInput RandomInput(Random rng, ServiceState state, IReadOnlyList<Effect> lastEffects)
    {
        var traffic = lastEffects.Where(e => e is VerifyRoute or SetTraffic or SetHeaderRoute or SetMirror or RollbackTraffic).ToList();
        if (traffic.Count > 0 && rng.Next(3) > 0)
        {
            var e = traffic[rng.Next(traffic.Count)];
            return rng.Next(4) == 0
                ? new EffectFailed(e.RolloutId, e, "503 ServiceUnavailable", IsTransient: true) { By = Actor.System }
                : new TrafficApplied(e.RolloutId, e) { By = Actor.System };
        }
        var by = People[rng.Next(People.Length)];
        var active = state.Active;
        var id = rng.Next(4) switch
        {
            0 => null,
            1 => state.LastFinished?.Id,
            2 => $"checkout-{rng.Next(1, 6)}",
            _ => active?.Id,
        };
        var step = active is not null && rng.Next(3) > 0 ? active.StepIndex : rng.Next(0, 7);
        var target = TrafficTarget.For(Plans[0]);
        return rng.Next(13) switch
        {
            0 => new StartRollout($"1.{rng.Next(0, 4)}.0", Plans[rng.Next(Plans.Length)]) { By = by },
            1 or 2 or 3 => new StepDue(active?.Id ?? "checkout-1", step) { By = Actor.Timer },
            4 => new Approve(id, rng.Next(2) == 0 ? null : step, rng.Next(3) == 0 ? rng.Next(1, 3) : active?.Revision) { By = by },
            5 => new Rollback(id) { By = by },
            6 => new Pause(id) { By = by },
            7 => new Resume(id) { By = by },
            8 => new Promote(id) { By = by },
            9 => new Abort(id) { By = by },
            10 => new EffectFailed(id ?? "checkout-1", rng.Next(4) switch
            {
                0 => new VerifyRoute(target) { RolloutId = "x" },
                1 => new RollbackTraffic(target) { RolloutId = "x" },
                2 => new Notify(NoticeKind.StepDone, "", active ?? state.LastFinished ?? null!) { RolloutId = "x" },
                _ => new SetTraffic(target, rng.Next(0, 101)) { RolloutId = "x" },
            }, "boom", IsDrift: rng.Next(3) == 0, IsTransient: rng.Next(3) == 0) { By = Actor.System },
            _ => new DeploymentObserved(id ?? "checkout-1", step, (DeploymentRole)rng.Next(2), (ReadinessState)rng.Next(3), "observed") { By = Actor.System },
        };
    }
}

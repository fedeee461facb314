using System.Globalization;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Tests.Rollouts;

/// <summary>Replays inputs against <see cref="RolloutMachine.Decide"/>, keeping the state and a clock, and renders effects as short lines.</summary>
internal sealed class Story(ReleaseConfig config)
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly Actor Ann = new("U0ANN", "ann", "slack");
    public static readonly Actor Bob = new("U0BOB", "bob", "slack");
    public static readonly Actor Cid = new("U0CID", "cid", "slack");
    public static readonly Actor Deployer = new("octocat", "octocat", "github");

    public ReleaseConfig Config { get; } = config;
    public ServiceState State { get; private set; } = ServiceState.Empty(config.Service);
    public DateTimeOffset Now { get; private set; } = T0;
    public RolloutState Active => State.Active ?? throw new InvalidOperationException("no active rollout");
    public Decision Last { get; private set; } = null!;

    /// <summary>When true (the default), every traffic write a decision asks for is accepted by the cluster, as the executor
    /// reports it (<see cref="TrafficApplied"/>), and <see cref="Effects"/> lists the decision's effects followed by those of
    /// the decisions on that feedback. False: only the decision itself (use <see cref="Accept"/> / <see cref="Fail"/>).</summary>
    public bool ClusterAccepts { get; set; } = true;

    private readonly List<Effect> _effects = [];

    public void Advance(TimeSpan by) => Now += by;

    /// <summary>Decides <paramref name="input"/>; with <see cref="ClusterAccepts"/>, feeds back each accepted traffic write
    /// round by round, as the executor does. Returns the decision on <paramref name="input"/> itself.</summary>
    public Decision Send(RolloutInput input)
    {
        _effects.Clear();
        var first = Decide(input);
        if (ClusterAccepts) AcceptAll(first.Effects);
        Last = first;
        return first;
    }

    /// <summary>The cluster accepts the traffic writes of the last decision (those listed in <see cref="Effects"/>).</summary>
    public void Accept()
    {
        var pending = _effects.ToList();
        _effects.Clear();
        AcceptAll(pending);
    }

    /// <summary>Reports that the last decision's <typeparamref name="T"/> effect failed, as the executor classifies it.</summary>
    public Decision Fail<T>(string error, bool transient = false, bool drift = false) where T : Effect
    {
        var effect = _effects.OfType<T>().Last();
        return Send(new EffectFailed(effect.RolloutId, effect, error, IsDrift: drift, IsTransient: transient) { By = Actor.System });
    }

    private Decision Decide(RolloutInput input)
    {
        var d = RolloutMachine.Decide(State, input, Now);
        if (!d.Accepted) Assert.Same(State, d.State);
        State = d.State;
        _effects.AddRange(d.Effects);
        return d;
    }

    private void AcceptAll(IReadOnlyList<Effect> effects)
    {
        var round = effects.Where(IsTraffic).ToList();
        while (round.Count > 0)
        {
            var next = new List<Effect>();
            foreach (var e in round) next.AddRange(Decide(new TrafficApplied(e.RolloutId, e) { By = Actor.System }).Effects.Where(IsTraffic));
            round = next;
        }
    }

    private static bool IsTraffic(Effect e) => e is VerifyRoute or SetTraffic or SetHeaderRoute or SetMirror or SetFault or RollbackTraffic;

    public Decision Start(string version = "1.4.2", Actor? by = null, ReleaseConfig? config = null) =>
        Send(new StartRollout(version, config ?? Config) { By = by ?? Deployer });

    /// <summary>Sends the step message for the active rollout's current step.</summary>
    public Decision Tick() => Send(new StepDue(Active.Id, Active.StepIndex) { By = Actor.Timer });

    public Decision Approve(Actor by) => Send(new Approve(Active.Id, Active.StepIndex, Active.Revision) { By = by });

    /// <summary>The last <see cref="Send"/>'s effects, including those decided on its accepted traffic writes.</summary>
    public string[] Effects => Render(_effects);

    /// <summary>The effects behind <see cref="Effects"/>: the last input's and those of the accepted writes fed back after it.</summary>
    public IReadOnlyList<Effect> AllEffects => [.. _effects];

    /// <summary>The notices among <see cref="Effects"/>.</summary>
    public IEnumerable<Notify> Notices => _effects.OfType<Notify>();

    /// <summary>The stable Deployment reports ready during promotion.</summary>
    public Decision StableReady() => Send(new DeploymentObserved(Active.Id, Active.StepIndex, DeploymentRole.Stable, Ports.ReadinessState.Ready, "3 of 3 ready") { By = Actor.System });

    public string[] Render(IEnumerable<Effect> effects) => effects.Select(Line).ToArray();

    private string Line(Effect e) => e switch
    {
        VerifyRoute => "verifyRoute",
        SetTraffic t => $"setTraffic {t.CanaryWeight}",
        SetHeaderRoute h => h.Match is null ? "headerRoute off" : $"headerRoute {h.Match.Header}={h.Match.Value}",
        SetMirror m => m.Percent is null ? "mirror off" : $"mirror {m.Percent.Value.ToString(CultureInfo.InvariantCulture)}",
        RollbackTraffic => "rollbackTraffic",
        SetCanaryImage i => $"canaryImage {i.Image}",
        SetStableImage i => $"stableImage {i.Image}",
        CheckDeployment c => $"check {c.Role.ToString().ToLowerInvariant()} step {c.StepIndex}",
        ScaleCanary s => $"scaleCanary {s.Replicas}",
        ScheduleStep { AnalysisRound: { } round } s => $"scheduleAnalysis {round} +{(s.At - Now).TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        MeasureCanary m => $"measure {m.Round}",
        SetFault f => f.Fault is null ? "fault off" : $"fault {f.Fault.Describe()}",
        ScheduleStep s => $"schedule {s.StepIndex} +{(s.At - Now).TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        Notify n => $"notify {n.Kind}",
        AuditEntry a => $"audit {a.Action} {a.From}->{a.To}",
        _ => e.GetType().Name,
    } + (e.RolloutId == (State.Active?.Id ?? State.LastFinished?.Id) ? "" : $" [{e.RolloutId}]");
}

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

    public void Advance(TimeSpan by) => Now += by;

    public Decision Send(RolloutInput input)
    {
        Last = RolloutMachine.Decide(State, input, Now);
        if (!Last.Accepted) Assert.Same(State, Last.State);
        State = Last.State;
        return Last;
    }

    public Decision Start(string version = "1.4.2", Actor? by = null, ReleaseConfig? config = null) =>
        Send(new StartRollout(version, config ?? Config) { By = by ?? Deployer });

    /// <summary>Sends the step message for the active rollout's current step.</summary>
    public Decision Tick() => Send(new StepDue(Active.Id, Active.StepIndex) { By = Actor.Timer });

    public Decision Approve(Actor by) => Send(new Approve(Active.Id, Active.StepIndex, Active.Revision) { By = by });

    public string[] Effects => Render(Last.Effects);

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
        ScheduleStep s => $"schedule {s.StepIndex} +{(s.At - Now).TotalSeconds.ToString(CultureInfo.InvariantCulture)}s",
        Notify n => $"notify {n.Kind}",
        AuditEntry a => $"audit {a.Action} {a.From}->{a.To}",
        _ => e.GetType().Name,
    } + (e.RolloutId == (State.Active?.Id ?? State.LastFinished?.Id) ? "" : $" [{e.RolloutId}]");
}

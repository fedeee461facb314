using System.Text.Json.Serialization;

namespace Bot.Core.Config;

/// <summary>
/// A service's release configuration, as read from <c>.releasebot.yaml</c> (in the repository or the
/// central config folder). Parsing lives in the adapters; this model is plain data.
/// </summary>
public sealed record ReleaseConfig
{
    /// <summary>The service name; unique across the bot. Lowercase letters, digits and '-'.</summary>
    public required string Service { get; init; }

    /// <summary>Kubernetes namespace of the VirtualService and DestinationRule.</summary>
    public required string Namespace { get; init; }

    /// <summary>kubeconfig context name; null uses the current context (or in-cluster).</summary>
    public string? Cluster { get; init; }

    public required RouteSpec Route { get; init; }

    /// <summary>Canary and stable Deployments, when the bot also sets images. Null: traffic only.</summary>
    public DeploymentSpec? Deployments { get; init; }

    /// <summary>The rollout plan, in order. The default plan is setWeight 10, approval, setWeight 50, pause 5m, promote.</summary>
    public required IReadOnlyList<StepSpec> Steps { get; init; }

    public RolloutPolicy Policy { get; init; } = new();

    /// <summary>Slack channel ID (C…) for the live rollout message; null disables chat for this service.</summary>
    public string? ChatChannel { get; init; }

    /// <summary>GitHub repository as <c>owner/name</c>; null disables GitHub outputs.</summary>
    public string? GitHubRepo { get; init; }

    /// <summary>GitHub deployment protection rules the bot answers for this service (<c>github.protection</c>); null: none.</summary>
    public ProtectionSpec? Protection { get; init; }

    /// <summary>Who may start, promote and abort rollouts. Empty means anyone the surface authenticated.</summary>
    public IReadOnlyList<string> Deployers { get; init; } = [];

    /// <summary>Who may approve. Empty means the approvers named on each approval step, else the deployers.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>When steps that raise canary traffic or promote may run; null means any time. See <see cref="Calendar.DeployWindow"/>.</summary>
    public Calendar.DeployWindow? Window { get; init; }

    /// <summary>What starts a rollout from GitHub (push or workflow run). Null: only commands start rollouts.</summary>
    public TriggerSpec? Trigger { get; init; }

    /// <summary>Automated canary analysis on Prometheus; null: none.</summary>
    public AnalysisSpec? Analysis { get; init; }

    /// <summary>Where this config came from (file path or repo@sha), for error messages.</summary>
    public string Source { get; init; } = "";
}

/// <summary>The Istio objects and route the bot re-weights.</summary>
public sealed record RouteSpec
{
    public required string VirtualService { get; init; }
    /// <summary>Name of the HTTP route inside the VirtualService whose destinations are re-weighted.</summary>
    public required string RouteName { get; init; }
    public required string DestinationRule { get; init; }
    /// <summary>The default value is <c>stable</c>.</summary>
    public string StableSubset { get; init; } = "stable";
    /// <summary>The default value is <c>canary</c>.</summary>
    public string CanarySubset { get; init; } = "canary";
    /// <summary>Destination host the stable/canary destinations must name; null matches them by subset alone.</summary>
    public string? Host { get; init; }
}

public enum NewRevisionPolicy { Supersede, Queue, Reject }

public enum TimeoutAction { Rollback, Hold }

public sealed record RolloutPolicy
{
    /// <summary>The requester may not approve their own rollout. The default value is true.</summary>
    public bool DistinctApprover { get; init; } = true;
    /// <summary>What a new version does while a rollout is active. The default value is <see cref="NewRevisionPolicy.Supersede"/>.</summary>
    public NewRevisionPolicy OnNewRevision { get; init; } = NewRevisionPolicy.Supersede;
    /// <summary>What a start does while the service is frozen. The default value is <see cref="Freezes.FreezePolicy.Queue"/>.</summary>
    public Freezes.FreezePolicy OnFreeze { get; init; } = Freezes.FreezePolicy.Queue;
}

/// <summary>One step of a rollout plan. Stored inside rollout state, hence the JSON type discriminators.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$step")]
[JsonDerivedType(typeof(SetWeightStep), "setWeight")]
[JsonDerivedType(typeof(PauseStep), "pause")]
[JsonDerivedType(typeof(ApprovalStep), "approval")]
[JsonDerivedType(typeof(PromoteStep), "promote")]
[JsonDerivedType(typeof(HeaderRouteStep), "headerRoute")]
[JsonDerivedType(typeof(MirrorStep), "mirror")]
[JsonDerivedType(typeof(SetImageStep), "setImage")]
[JsonDerivedType(typeof(AnalyzeStep), "analysis")]
[JsonDerivedType(typeof(FaultStep), "fault")]
public abstract record StepSpec
{
    /// <summary>Short text for chat and check runs, e.g. "setWeight 10".</summary>
    public abstract string Describe();

    /// <summary>Optional NCRONTAB slot (6 fields, in the window's time zone, else UTC) the step waits for once
    /// reached, e.g. <c>0 0 9 * * 1-5</c>. Null runs as soon as the step is reached.</summary>
    public string? At { get; init; }
}

/// <summary>Send <see cref="Weight"/> percent (0-100) of the route's traffic to the canary.</summary>
public sealed record SetWeightStep(int Weight) : StepSpec
{
    public override string Describe() => $"setWeight {Weight}";
}

/// <summary>Wait <see cref="Duration"/> (a bake), or until resumed when null.</summary>
public sealed record PauseStep(TimeSpan? Duration) : StepSpec
{
    public override string Describe() => Duration is { } d ? $"pause {Durations.Format(d)}" : "pause (until resumed)";
}

/// <summary>Wait for <see cref="Count"/> distinct approvals from <see cref="Approvers"/>.</summary>
public sealed record ApprovalStep : StepSpec
{
    /// <summary>Slack user IDs, @group handles or GitHub logins; empty means the service's approvers.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];
    /// <summary>The default value is 1.</summary>
    public int Count { get; init; } = 1;
    /// <summary>Null waits forever. The default value is null.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>The default value is <see cref="TimeoutAction.Rollback"/>.</summary>
    public TimeoutAction OnTimeout { get; init; } = TimeoutAction.Rollback;

    public override string Describe() =>
        $"approval ({Count}{(Timeout is { } t ? $", {Durations.Format(t)} timeout" : "")})";
}

/// <summary>Move all traffic to the new version: the rollout succeeds.</summary>
public sealed record PromoteStep : StepSpec
{
    public override string Describe() => "promote";
}

/// <summary>A/B step: requests whose header matches go to the canary, through a route inserted before the weighted one. Removed at the end.</summary>
/// <param name="Header">Lowercase header name, e.g. <c>x-canary</c>.</param>
/// <param name="Value">Exact value to match.</param>
public sealed record HeaderRouteStep(string Header, string Value) : StepSpec
{
    public override string Describe() => $"headerRoute {Header}={Value}";
}

/// <summary>Dark launch: mirror <see cref="Percent"/> (0-100) of the route's traffic to the canary. 0 removes the mirror.</summary>
public sealed record MirrorStep(double Percent) : StepSpec
{
    public override string Describe() => $"mirror {Percent}%";
}

/// <summary>Set the canary Deployment's image from the service's image template and wait until it is ready.</summary>
public sealed record SetImageStep : StepSpec
{
    public override string Describe() => "setImage";
}

/// <summary>Run the canary analysis for <see cref="Duration"/> at the current weight; the step passes only when the last
/// verdict in it is a pass (no verdict extends it by an interval, a failure rolls back as the analysis policy says).
/// Needs the <c>analysis</c> section.</summary>
public sealed record AnalyzeStep(TimeSpan Duration) : StepSpec
{
    public override string Describe() => $"analysis {Durations.Format(Duration)}";
}

/// <summary>Fire drill: Istio fault injection on the route that carries the canary, kept until promote or rollback (or a
/// later fault step replaces it). At least one of <see cref="Abort"/> and <see cref="Delay"/> is set. The step itself is
/// done when the cluster accepted the fault; the analysis then judges the canary as usual.</summary>
public sealed record FaultStep(FaultAbort? Abort, FaultDelay? Delay) : StepSpec
{
    public override string Describe() => string.Join(", ", new[]
    {
        Abort is { } a ? $"fault abort {a.Percent}% {a.HttpStatus}" : null,
        Delay is { } d ? $"fault delay {d.Percent}% {Durations.Format(d.FixedDelay)}" : null,
    }.Where(x => x is not null));
}

/// <summary>Answer <see cref="Percent"/> (0-100) of requests with <see cref="HttpStatus"/> (200-599) without forwarding them.</summary>
public sealed record FaultAbort(double Percent, int HttpStatus);

/// <summary>Hold <see cref="Percent"/> (0-100) of requests for <see cref="FixedDelay"/> before forwarding them.</summary>
public sealed record FaultDelay(double Percent, TimeSpan FixedDelay);

/// <summary>Optional Deployments the bot manages for a service.</summary>
public sealed record DeploymentSpec
{
    /// <summary>Name of the canary Deployment.</summary>
    public required string Canary { get; init; }
    /// <summary>Name of the stable Deployment; promote moves it to the new image.</summary>
    public required string Stable { get; init; }
    /// <summary>Container to update; null means the first container.</summary>
    public string? Container { get; init; }
    /// <summary>Image template, <c>{version}</c> replaced, e.g. <c>registry.example.com/checkout:{version}</c>.</summary>
    public required string ImageTemplate { get; init; }
    /// <summary>Scale the canary to 0 after promote and rollback. The default value is false.</summary>
    public bool ScaleDownCanary { get; init; }
}

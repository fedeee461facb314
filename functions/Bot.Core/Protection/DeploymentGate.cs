using Bot.Core.Config;

namespace Bot.Core.Protection;

/// <summary>
/// One GitHub Actions job waiting on the bot's custom deployment protection rule: a workflow run (<see cref="RunId"/>) at
/// an environment, for a commit of a service. Created when GitHub asks, bound to the rollout of <see cref="Sha"/>, and
/// answered once (<see cref="Answer"/>). Decisions are <see cref="DeploymentGateMachine.Decide"/>'s.
/// </summary>
public sealed record DeploymentGate
{
    public required string Service { get; init; }
    /// <summary><c>owner/name</c>.</summary>
    public required string Repository { get; init; }
    /// <summary>The environment name as GitHub sent it (the review must name it so).</summary>
    public required string Environment { get; init; }
    public required long RunId { get; init; }
    public required string Sha { get; init; }
    public string? Ref { get; init; }
    /// <summary>What triggered the workflow (<c>push</c>, <c>workflow_dispatch</c>, …), as GitHub sent it.</summary>
    public string? Event { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    /// <summary>Past it the job is rejected (<see cref="ProtectionSpec.Deadline"/> after the request).</summary>
    public required DateTimeOffset Deadline { get; init; }
    /// <summary>From <see cref="ProtectionSpec.ApproveAfterStep"/> when GitHub asked; null: approve when promoted.</summary>
    public int? ApproveAfterStep { get; init; }
    /// <summary>The rollout of <see cref="Sha"/> the gate follows, once one is seen.</summary>
    public string? RolloutId { get; init; }
    /// <summary>Status reports posted (or decided) so far; at most <see cref="DeploymentGateMachine.MaxReports"/>.</summary>
    public int Reports { get; init; }
    /// <summary>What the last report said, so a repeated state posts nothing.</summary>
    public string? LastReport { get; init; }
    public GateAnswer? Answer { get; init; }
    /// <summary>Decided but not yet accepted by GitHub; applied (again) first after a crash or failure. Applying is idempotent
    /// as far as GitHub allows: a second answer is refused with 422 and taken as done.</summary>
    public IReadOnlyList<GateEffect> Pending { get; init; } = [];

    /// <summary>One gate per run and environment.</summary>
    public bool SameJob(long runId, string environment) =>
        RunId == runId && string.Equals(Environment, environment, StringComparison.OrdinalIgnoreCase);
}

/// <summary>The one answer a gate gives: approved or rejected, with the comment GitHub shows on the run.</summary>
public sealed record GateAnswer(bool Approved, string Comment, DateTimeOffset At);

public enum GateEffectKind { Report, Approve, Reject }

/// <summary>A call to <c>POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule</c>: a status
/// report (no state) or the answer. <see cref="Comment"/> is Markdown of at most <see cref="DeploymentGateMachine.MaxComment"/> characters.</summary>
public sealed record GateEffect(GateEffectKind Kind, string Comment);

/// <summary>Links the final answer names (the rollout in Slack, as the check run links it; the check run); null when there is none.</summary>
public sealed record GateLinks(string? ChatThread, string? CheckRun)
{
    public static readonly GateLinks None = new(null, null);
}

/// <summary>What a gate decision is about.</summary>
public abstract record GateInput;

/// <summary>The rollout of the gate's commit as it stands now, with the notice that moved it (if any).</summary>
public sealed record GateRolloutSeen(Rollouts.RolloutState Rollout, string? Notice, GateLinks Links) : GateInput;

/// <summary>No rollout for the commit (yet): the bot waits for one, or for the deadline.</summary>
public sealed record GateWaiting(string Why) : GateInput;

/// <summary>A time check (the deadline message): rejects once the deadline has passed.</summary>
public sealed record GateDue : GateInput;

/// <summary>The gate after a decision, what to post, and a sentence for logs.</summary>
public sealed record GateDecision(DeploymentGate Gate, IReadOnlyList<GateEffect> Effects, string Outcome);

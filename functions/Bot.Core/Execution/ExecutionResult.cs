using Bot.Core.Rollouts;

namespace Bot.Core.Execution;

/// <summary>What one <see cref="RolloutExecutor.ExecuteAsync"/> call did.</summary>
/// <param name="Decision">The decision for the caller's input (refused decisions changed nothing).</param>
/// <param name="State">The service state after the call, as last committed or read.</param>
/// <param name="Applied">Effects applied by this call, in order (pending ones from earlier calls included).</param>
/// <param name="Notes">Things worth logging: failed effects, conflicts, skipped effects. Never secrets.</param>
/// <param name="Finished">When a rollback's traffic change was accepted within this call, how it ended.</param>
public sealed record ExecutionResult(Decision Decision, ServiceState State, IReadOnlyList<Effect> Applied, IReadOnlyList<string> Notes,
    string? Finished = null)
{
    /// <summary>What to answer the person: how a rollback ended when the cluster took it within this call ("checkout-1 rolled
    /// back …"), else the decision's message ("checkout-1 rolling back …" while the cluster has not taken it).</summary>
    public string? Message => Finished ?? Decision.Message;

    /// <summary>The rollout the input acted on: the active one, else the one that just finished.</summary>
    public RolloutState? Rollout => State.Active ?? State.LastFinished;
}

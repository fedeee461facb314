using Bot.Core.Rollouts;

namespace Bot.Core.Execution;

/// <summary>The pure decision function the executor runs (<c>RolloutMachine.Decide</c> in production).
/// It must not do I/O or read the clock: <paramref name="now"/> comes from the executor's <see cref="TimeProvider"/>.</summary>
public delegate Decision RolloutDecider(ServiceState state, RolloutInput input, DateTimeOffset now);

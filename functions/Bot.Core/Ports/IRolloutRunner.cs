using Bot.Core.Execution;
using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>Runs one input against a service's rollouts and applies what follows (<see cref="RolloutExecutor"/>). The
/// seam of <see cref="Commands.CommandPipeline"/>, so surface tests can run the engine over in-memory ports.</summary>
public interface IRolloutRunner
{
    /// <summary>Decides <paramref name="input"/> for <paramref name="service"/>; a refused decision changed nothing.</summary>
    Task<ExecutionResult> ExecuteAsync(string service, RolloutInput input, CancellationToken ct);

    /// <summary>As <see cref="ExecuteAsync(string, RolloutInput, CancellationToken)"/>, given the state the caller read moments
    /// ago (with its ETag), which the runner may decide on instead of reading again. By default it reads again.</summary>
    Task<ExecutionResult> ExecuteAsync(string service, RolloutInput input, Versioned<ServiceState>? seen, CancellationToken ct) => ExecuteAsync(service, input, ct);
}

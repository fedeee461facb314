using Bot.Core.Commands;
using Bot.Core.Rollouts;

namespace Bot.Functions.Slack;

/// <summary>Runs the text of an accepted slash command (the core grammar) for its Slack user, returning the reply. A command
/// on a rollout acts on the one it names, else on the one the work's binding (made when the command was accepted) holds,
/// with the state read the binding was made from when this process made it (<see cref="CommandRequest.Seen"/>), and
/// counts from when it was received (<see cref="CommandRequest.ReceivedAt"/>).</summary>
public interface ISlackCommandRunner
{
    Task<string> RunAsync(SlackCommandWork work, CancellationToken ct);
}

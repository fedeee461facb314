using Bot.Core.Commands;
using Bot.Core.Rollouts;

namespace Bot.Functions.Slack;

/// <summary>Runs the text of a slash command (the core grammar) for a Slack user, returning the reply. A command on a
/// rollout acts on the one it names, else on the one <c>binding</c> (made when the command was accepted) holds;
/// <c>seen</c> is the state read the binding was made from, when this process made it (<see cref="CommandRequest.Seen"/>).</summary>
public interface ISlackCommandRunner
{
    Task<string> RunAsync(string text, Actor by, string channelId, CommandBinding? binding, Bot.Core.Ports.Versioned<ServiceState>? seen, CancellationToken ct);
}

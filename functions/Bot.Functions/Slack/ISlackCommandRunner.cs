using Bot.Core.Commands;
using Bot.Core.Rollouts;

namespace Bot.Functions.Slack;

/// <summary>Runs the text of a slash command (the core grammar) for a Slack user, returning the reply. A command on a
/// rollout acts on the one it names, else on the one <c>binding</c> (made when the command was accepted) holds.</summary>
public interface ISlackCommandRunner
{
    Task<string> RunAsync(string text, Actor by, string channelId, CommandBinding? binding, CancellationToken ct);
}

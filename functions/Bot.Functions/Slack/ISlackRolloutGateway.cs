using Bot.Core.Commands;
using Bot.Core.Rollouts;

namespace Bot.Functions.Slack;

/// <summary>The outcome of running one input: refused (nothing changed) or accepted with the rollout after it.</summary>
public sealed record SlackRolloutOutcome(Refusal? Refused, string? Message, RolloutState? Rollout);

/// <summary>What Slack needs from the engine: find a rollout, and run an input through the executor.</summary>
public interface ISlackRolloutGateway
{
    Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct);
    Task<SlackRolloutOutcome> ExecuteAsync(string service, RolloutInput input, CancellationToken ct);
}

/// <summary>Runs the text of a slash command (the core grammar) for a Slack user, returning the reply. A command on a
/// rollout acts on the one it names, else on the one <c>binding</c> (made when the command was accepted) holds.</summary>
public interface ISlackCommandRunner
{
    Task<string> RunAsync(string text, Actor by, string channelId, CommandBinding? binding, CancellationToken ct);
}

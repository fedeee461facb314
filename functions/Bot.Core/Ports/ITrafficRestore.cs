using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>How a restore of orphaned canary traffic ended. <see cref="Refused"/> and a failure change nothing the bot
/// records as restored.</summary>
public sealed record RestoreOutcome(bool Restored, string Message, Refusal? Refused = null);

/// <summary>Returns a service's orphaned canary traffic (the bot's weights on the route, no rollout) to stable: reads the
/// route and lets the engine decide and apply it. <see cref="Commands.CommandPipeline"/> finds the config and authorizes first.</summary>
public interface ITrafficRestore
{
    Task<RestoreOutcome> RestoreAsync(ReleaseConfig config, Actor by, string? reason, CancellationToken ct);
}

using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>Returns a service's orphaned canary traffic (the bot's weights on the route, no rollout) to stable: reads the
/// route and lets the engine decide and apply it. <see cref="Commands.CommandPipeline"/> finds the config and authorizes first.</summary>
public interface ITrafficRestore
{
    Task<RestoreOutcome> RestoreAsync(ReleaseConfig config, Actor by, string? reason, CancellationToken ct);
}

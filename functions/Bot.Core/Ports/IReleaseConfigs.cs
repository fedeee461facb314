using Bot.Core.Ports;
using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>The release configs the bot knows (the central config folder). Read on each call, so edits apply to the
/// next rollout; a running rollout keeps the snapshot it started with.</summary>
public interface IReleaseConfigs
{
    /// <summary>The config of <paramref name="service"/>, or null when no such service is configured.</summary>
    Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct);

    /// <summary>Every configured service (the sweep walks these).</summary>
    Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct);
}

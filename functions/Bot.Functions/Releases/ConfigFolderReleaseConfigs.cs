using Bot.Core.Config;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Releases;

/// <summary>Release configs from <see cref="ReleasesOptions.ConfigFolder"/> (engine's loader).</summary>
public sealed class ConfigFolderReleaseConfigs(IOptions<ReleasesOptions> options) : IReleaseConfigs
{
    public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) =>
        throw new NotSupportedException($"release config loading from {options.Value.ConfigFolder} arrives with the engine's loader");

    public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) =>
        throw new NotSupportedException($"release config loading from {options.Value.ConfigFolder} arrives with the engine's loader");
}

using Bot.Core.Ports;
using Bot.Adapters.Config;
using Bot.Core.Config;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Releases;

/// <summary>Release configs from the central folder (<c>ReleaseConfig:Directory</c>), re-read on each call so edits
/// apply to the next rollout. A file with errors is left out and its errors logged (file:line: message); the other
/// services keep working.</summary>
public sealed class ConfigFolderReleaseConfigs(IOptions<ReleaseConfigOptions> options, IHostEnvironment host, ILogger<ConfigFolderReleaseConfigs> log) : IReleaseConfigs
{
    private string? _lastErrors;

    public string Directory => Path.GetFullPath(options.Value.Directory, host.ContentRootPath);

    public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(Load().Find(service));

    public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>([.. Load().All]);

    /// <summary>Loads the folder; logs its errors when they change.</summary>
    public CatalogLoadResult LoadWithErrors()
    {
        var result = ReleaseConfigCatalog.LoadDirectory(Directory);
        var errors = string.Join("\n", result.Errors.Select(e => e.ToString()));
        if (errors != Interlocked.Exchange(ref _lastErrors, errors) && errors.Length > 0)
            log.LogError("release configs in {Directory} have errors; those files are ignored:\n{Errors}", Directory, errors);
        return result;
    }

    private ReleaseConfigCatalog Load() => LoadWithErrors().Catalog;
}

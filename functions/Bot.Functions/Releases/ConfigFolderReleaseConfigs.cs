using Bot.Core.Ports;
using Bot.Adapters.Config;
using Bot.Core.Config;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Releases;

/// <summary>Release configs from the central folder (<c>ReleaseConfig:Directory</c>), checked on each call so edits
/// apply to the next command: the files are parsed again only when the folder's list of files or a file's bytes changed
/// since the last parse (otherwise a directory listing and a read and hash of each small file, instead of a YAML parse of
/// every file on every command). A file with errors is left out and its errors logged (file:line: message); the
/// other services keep working.</summary>
public sealed class ConfigFolderReleaseConfigs(IOptions<ReleaseConfigOptions> options, IHostEnvironment host, ILogger<ConfigFolderReleaseConfigs> log) : IReleaseConfigs
{
    private string? _lastErrors;
    private volatile Parsed? _cache;

    private sealed record Parsed(string Fingerprint, CatalogLoadResult Result);

    public string Directory => Path.GetFullPath(options.Value.Directory, host.ContentRootPath);

    public Task<ReleaseConfig?> FindAsync(string service, CancellationToken ct) => Task.FromResult(Load().Find(service));

    public Task<IReadOnlyList<ReleaseConfig>> ListAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<ReleaseConfig>>([.. Load().All]);

    /// <summary>Loads the folder (parsing it again only when it changed); logs its errors when they change.</summary>
    public CatalogLoadResult LoadWithErrors()
    {
        var directory = Directory;
        var fingerprint = Fingerprint(directory);
        if (_cache is { } cached && cached.Fingerprint == fingerprint) return cached.Result;
        var result = ReleaseConfigCatalog.LoadDirectory(directory);
        _cache = new Parsed(fingerprint, result);
        var errors = string.Join("\n", result.Errors.Select(e => e.ToString()));
        if (errors != Interlocked.Exchange(ref _lastErrors, errors) && errors.Length > 0)
            log.LogError("release configs in {Directory} have errors; those files are ignored:\n{Errors}", Directory, errors);
        return result;
    }

    private ReleaseConfigCatalog Load() => LoadWithErrors().Catalog;

    /// <summary>What a parse depends on: the folder, its config files and each file's bytes (SHA-256; timestamps are too
    /// coarse to see two quick edits of the same length). A file that cannot be read makes the fingerprint unique, so the
    /// parse runs and reports it.</summary>
    private static string Fingerprint(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) return directory + "|missing";
        var sb = new System.Text.StringBuilder(directory);
        foreach (var file in ReleaseConfigCatalog.FilesIn(directory))
        {
            sb.Append('|').Append(file).Append(':');
            try { sb.Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)))); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { sb.Append(Guid.NewGuid()); }
        }
        return sb.ToString();
    }
}

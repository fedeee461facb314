using Bot.Core.Config;

namespace Bot.Adapters.Config;

/// <summary>The central configs, keyed by service name (ordinal, as service names are lowercase).</summary>
public sealed class ReleaseConfigCatalog
{
    private readonly Dictionary<string, ReleaseConfig> _byService;

    public ReleaseConfigCatalog(IEnumerable<ReleaseConfig> configs) =>
        _byService = configs.ToDictionary(c => c.Service, StringComparer.Ordinal);

    public static ReleaseConfigCatalog Empty { get; } = new([]);

    public IReadOnlyCollection<string> Services => _byService.Keys;

    public IEnumerable<ReleaseConfig> All => _byService.Values;

    public ReleaseConfig? Find(string service) => _byService.GetValueOrDefault(service);

    public bool TryGet(string service, out ReleaseConfig config) => _byService.TryGetValue(service, out config!);

    /// <summary>Loads every <c>*.yaml</c> and <c>*.yml</c> in <paramref name="directory"/> (sorted by name). Files with
    /// errors are left out of the catalog and reported; two files for one service are both reported.</summary>
    public static CatalogLoadResult LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            return new(Empty, [new ConfigError(directory, 0, 0, "", "config directory does not exist", $"create it or set {ReleaseConfigOptions.SectionName}:Directory to a folder of *.yaml files")]);
        return LoadFiles(FilesIn(directory));
    }

    /// <summary>The config files of a folder: <c>*.yaml</c>, <c>*.yml</c>, sorted by ordinal name.</summary>
    public static IReadOnlyList<string> FilesIn(string directory) =>
        Directory.EnumerateFiles(directory, "*.yaml").Concat(Directory.EnumerateFiles(directory, "*.yml"))
            .Order(StringComparer.Ordinal).ToList();

    public static CatalogLoadResult LoadFiles(IEnumerable<string> files)
    {
        var errors = new List<ConfigError>();
        var configs = new Dictionary<string, ReleaseConfig>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            ConfigParseResult result;
            try { result = ReleaseConfigParser.ParseFile(file); }
            catch (IOException e) { errors.Add(new ConfigError(file, 0, 0, "", $"cannot read: {e.Message}")); continue; }
            catch (UnauthorizedAccessException e) { errors.Add(new ConfigError(file, 0, 0, "", $"cannot read: {e.Message}")); continue; }
            errors.AddRange(result.Errors);
            if (result.Config is not { } config) continue;
            if (configs.TryGetValue(config.Service, out var first))
            {
                errors.Add(new ConfigError(file, 1, 1, "service", $"service '{config.Service}' is also defined in {first.Source}",
                    "keep one file per service: rename the service in one of them or delete one file"));
                continue;
            }
            configs[config.Service] = config;
        }
        return new(new ReleaseConfigCatalog(configs.Values), errors);
    }
}

/// <summary>The catalog of valid configs and the errors of the rest.</summary>
public sealed record CatalogLoadResult(ReleaseConfigCatalog Catalog, IReadOnlyList<ConfigError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

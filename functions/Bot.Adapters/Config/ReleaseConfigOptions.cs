namespace Bot.Adapters.Config;

/// <summary>Settings section <c>ReleaseConfig</c> (app setting <c>ReleaseConfig__Directory</c>).</summary>
public sealed class ReleaseConfigOptions
{
    public const string SectionName = "ReleaseConfig";

    /// <summary>Folder of central release configs, one <c>*.yaml</c>/<c>*.yml</c> per service (not recursive).
    /// Relative paths are from the app's content root. The default value is <c>config/services</c>.</summary>
    public string Directory { get; set; } = "config/services";
}

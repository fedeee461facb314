namespace Bot.Functions.Releases;

/// <summary>Where release configs live. Section <c>Releases</c>.</summary>
public sealed class ReleasesOptions
{
    public const string Section = "Releases";

    /// <summary>Folder of <c>*.releasebot.yaml</c> / <c>*.yaml</c> files, one service each. Relative paths are taken from
    /// the app root. Required.</summary>
    public string ConfigFolder { get; set; } = "";
}

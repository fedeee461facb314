using Bot.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Bot.Adapters.Config;

/// <summary>
/// An optional top-level section of <c>.releasebot.yaml</c> (<c>policy</c>, <c>chat</c>, <c>trigger</c>, <c>window</c>…).
/// To add one: implement this in its own file, add a property to <see cref="ReleaseConfig"/>, and list the section in
/// <see cref="ReleaseConfigSections.All"/>. Unknown keys, line numbers and did-you-mean come for free from the reader.
/// </summary>
public interface IConfigSection
{
    /// <summary>The top-level key, e.g. <c>trigger</c>.</summary>
    string Key { get; }

    /// <summary>Reads the section. Returns how it changes the config (applied after the required fields are read), or
    /// null when it recorded errors on <paramref name="reader"/>.</summary>
    Func<ReleaseConfig, ReleaseConfig>? Parse(YamlNode node, ConfigReader reader);

    /// <summary>Checks that need the whole config (e.g. a step that needs this section). Default: none.</summary>
    void Validate(ReleaseConfig config, ConfigDocument document, ConfigReader reader) { }
}

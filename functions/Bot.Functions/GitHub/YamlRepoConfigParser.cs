using Bot.Adapters.Config;
using Bot.Core.Config;

namespace Bot.Functions.GitHub;

/// <summary>Parses a repository's <c>.releasebot.yaml</c> (errors read <c>file:line: field: message; fix</c>): the engine's <see cref="ReleaseConfigParser"/> with every registered section (<see cref="ReleaseConfigSections.All"/>,
/// <c>trigger</c> included), so a repository's file obeys exactly the rules of the central folder.</summary>
public sealed class YamlRepoConfigParser
{
    public (ReleaseConfig? Config, IReadOnlyList<string> Errors) Parse(string yaml, string file)
    {
        var result = ReleaseConfigParser.Parse(yaml, file);
        return result.Ok ? (result.Config, []) : (null, result.Errors.Select(e => e.ToString()).ToList());
    }
}

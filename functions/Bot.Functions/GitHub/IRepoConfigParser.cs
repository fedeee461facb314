using Bot.Core.Config;

namespace Bot.Functions.GitHub;

/// <summary>Parses a repository's <c>.releasebot.yaml</c>. Errors read <c>file:line: field: message; fix</c>.</summary>
public interface IRepoConfigParser
{
    (ReleaseConfig? Config, IReadOnlyList<string> Errors) Parse(string yaml, string file);
}

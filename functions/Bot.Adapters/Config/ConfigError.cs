namespace Bot.Adapters.Config;

/// <summary>One problem in a release config file, with where it is and how to fix it.</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Line">1-based line; 0 when the problem is the whole file (e.g. a duplicate service across files).</param>
/// <param name="Column">1-based column, or 0.</param>
/// <param name="Path">Field path, e.g. <c>steps[2].setWeight</c>; empty for the whole document.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Fix">What to do about it; null when the message says it.</param>
public sealed record ConfigError(string File, int Line, int Column, string Path, string Message, string? Fix = null)
{
    /// <summary><c>file:line: path: message; fix</c>, the format editors and CI annotations understand.</summary>
    public override string ToString() =>
        $"{File}:{Line}: {(Path.Length > 0 ? Path + ": " : "")}{Message}{(Fix is null ? "" : "; " + Fix)}";
}

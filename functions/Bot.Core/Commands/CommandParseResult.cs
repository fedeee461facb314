namespace Bot.Core.Commands;

/// <summary>A parsed command, or an error with the usage line of the verb (or of all verbs).</summary>
public sealed record CommandParseResult(ReleaseCommand? Command, string? Error = null, string? Usage = null)
{
    public bool Ok => Command is not null;

    /// <summary>The error and the usage, ready to show a human.</summary>
    public string? Message => Error is null ? null : Usage is null ? Error : $"{Error}\nusage: {Usage}";
}

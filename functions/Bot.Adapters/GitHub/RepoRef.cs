namespace Bot.Adapters.GitHub;

/// <summary>A repository as <c>owner/name</c>. GitHub compares both case-insensitively.</summary>
public sealed record RepoRef(string Owner, string Name)
{
    public string FullName => $"{Owner}/{Name}";

    public static RepoRef Parse(string fullName) =>
        TryParse(fullName, out var r) ? r : throw new FormatException($"'{fullName}' is not a repository: expected owner/name");

    public static bool TryParse(string? fullName, out RepoRef repo)
    {
        repo = null!;
        var parts = fullName?.Split('/', StringSplitOptions.TrimEntries);
        if (parts is not [{ Length: > 0 } o, { Length: > 0 } n]) return false;
        repo = new RepoRef(o, n);
        return true;
    }

    public bool Equals(RepoRef? other) => other is not null && string.Equals(FullName, other.FullName, StringComparison.OrdinalIgnoreCase);
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(FullName);
    public override string ToString() => FullName;
}

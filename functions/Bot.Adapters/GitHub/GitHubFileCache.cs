using System.Collections.Concurrent;

namespace Bot.Adapters.GitHub;

/// <summary>
/// Remembers files read at a commit (a 40-hex SHA names content that never changes), so a PR comment on a head whose
/// <c>.releasebot.yaml</c> was already read (by its push, its workflow run or an earlier comment) costs one GitHub call
/// less before the command runs. A file absent at the commit is remembered as absent. Reads at a branch or tag are never
/// cached. Bounded: past <see cref="MaxEntries"/> the oldest half is forgotten. One per app (singleton).
/// </summary>
public sealed class GitHubFileCache
{
    /// <summary>Files kept at most. The default value is 512.</summary>
    public int MaxEntries { get; init; } = 512;

    private readonly ConcurrentDictionary<(string Repo, string Path, string Sha), (RepoFile? File, long Order)> _files = new();
    private long _order;

    /// <summary>The file at <paramref name="gitRef"/>, from memory when <paramref name="gitRef"/> is a commit SHA read before,
    /// else from <paramref name="fetch"/> (and kept when it is a SHA).</summary>
    public async Task<RepoFile?> GetAsync(RepoRef repo, string path, string? gitRef, Func<CancellationToken, Task<RepoFile?>> fetch, CancellationToken ct)
    {
        if (!IsCommitSha(gitRef)) return await fetch(ct).ConfigureAwait(false);
        // GitHub's owner and repository names are case-insensitive; paths and SHAs are not (SHAs are kept lowercase).
        var key = (repo.FullName.ToLowerInvariant(), path, gitRef!.ToLowerInvariant());
        if (_files.TryGetValue(key, out var known)) return known.File;
        var file = await fetch(ct).ConfigureAwait(false);
        if (_files.Count >= MaxEntries) Trim();
        _files[key] = (file, Interlocked.Increment(ref _order));
        return file;
    }

    private void Trim()
    {
        var keep = _files.OrderByDescending(e => e.Value.Order).Take(MaxEntries / 2).Select(e => e.Key).ToHashSet();
        foreach (var key in _files.Keys)
            if (!keep.Contains(key)) _files.TryRemove(key, out _);
    }

    private static bool IsCommitSha(string? gitRef) => gitRef is { Length: 40 } && gitRef.All(Uri.IsHexDigit);
}

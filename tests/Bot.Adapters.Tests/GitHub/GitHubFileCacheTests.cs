using Bot.Adapters.GitHub;

namespace Bot.Adapters.Tests.GitHub;

/// <summary>Files at a commit SHA are read from GitHub once; at a branch every time.</summary>
public sealed class GitHubFileCacheTests
{
    private static readonly RepoRef Repo = new("octo-org", "checkout");
    private const string Sha = "3f2c9e1a7b3f2c9e1a7b3f2c9e1a7b3f2c9e1a7b";
    private int _fetches;

    private Task<RepoFile?> Fetch(CancellationToken _)
    {
        _fetches++;
        return Task.FromResult<RepoFile?>(new RepoFile(".releasebot.yaml", "blob" + _fetches, "service: checkout\n"));
    }

    [Fact]
    public async Task AtACommitSha_IsFetchedOnce_WhateverTheCaseOfTheShaOrRepository()
    {
        var cache = new GitHubFileCache();

        var first = await cache.GetAsync(Repo, ".releasebot.yaml", Sha, Fetch, default);
        var second = await cache.GetAsync(new RepoRef("Octo-Org", "Checkout"), ".releasebot.yaml", Sha.ToUpperInvariant(), Fetch, default);

        Assert.Equal(1, _fetches);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task AtABranch_IsFetchedEveryTime()
    {
        var cache = new GitHubFileCache();

        await cache.GetAsync(Repo, ".releasebot.yaml", "main", Fetch, default);
        await cache.GetAsync(Repo, ".releasebot.yaml", "main", Fetch, default);
        await cache.GetAsync(Repo, ".releasebot.yaml", null, Fetch, default);

        Assert.Equal(3, _fetches);
    }

    [Fact]
    public async Task AbsentAtACommit_IsRememberedAsAbsent_AndOtherPathsAreTheirOwn()
    {
        var cache = new GitHubFileCache();
        var absent = 0;

        Assert.Null(await cache.GetAsync(Repo, ".releasebot.yaml", Sha, _ => { absent++; return Task.FromResult<RepoFile?>(null); }, default));
        Assert.Null(await cache.GetAsync(Repo, ".releasebot.yaml", Sha, Fetch, default));
        await cache.GetAsync(Repo, "other.yaml", Sha, Fetch, default);

        Assert.Equal((1, 1), (absent, _fetches));
    }

    [Fact]
    public async Task PastItsBound_TheOldestAreForgotten()
    {
        var cache = new GitHubFileCache { MaxEntries = 4 };
        for (var i = 0; i < 5; i++) await cache.GetAsync(Repo, $"f{i}.yaml", Sha, Fetch, default);
        Assert.Equal(5, _fetches);

        await cache.GetAsync(Repo, "f4.yaml", Sha, Fetch, default); // newest: kept
        Assert.Equal(5, _fetches);
        await cache.GetAsync(Repo, "f0.yaml", Sha, Fetch, default); // oldest: forgotten
        Assert.Equal(6, _fetches);
    }
}

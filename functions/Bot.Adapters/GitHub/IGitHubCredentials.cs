namespace Bot.Adapters.GitHub;

/// <summary>Gives the bearer token for calls about a repository: an app installation token, or a personal token.</summary>
public interface IGitHubCredentials
{
    /// <summary>True for a GitHub App (check runs need one), false for a personal token.</summary>
    bool IsApp { get; }

    Task<string> GetTokenAsync(RepoRef repo, CancellationToken ct);

    /// <summary>Records the installation a webhook named for <paramref name="repo"/>, saving a lookup.</summary>
    void RememberInstallation(RepoRef repo, long installationId);
}

/// <summary>A personal access token for every repository (simple setups).</summary>
public sealed class PersonalTokenCredentials(string token) : IGitHubCredentials
{
    public bool IsApp => false;
    public Task<string> GetTokenAsync(RepoRef repo, CancellationToken ct) => Task.FromResult(token);
    public void RememberInstallation(RepoRef repo, long installationId) { }
}

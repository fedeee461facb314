using System.Collections.Concurrent;
using System.Net;
using Octokit;

namespace Bot.Adapters.GitHub;

/// <summary>
/// GitHub App authentication: a JWT for the app's own calls, and per-installation access tokens (valid 1 hour),
/// cached and renewed <see cref="RenewBefore"/> before they expire. The installation comes from the webhook
/// (<see cref="RememberInstallation"/>) or from <c>GET /repos/{owner}/{repo}/installation</c>. Both app calls go through
/// Octokit's GitHub Apps client with the JWT as bearer credentials.
/// </summary>
public sealed class GitHubAppCredentials(GitHubConnection connection, GitHubAppJwt jwt, TimeProvider time) : IGitHubCredentials
{
    /// <summary>Tokens are renewed this long before <c>expires_at</c>. 5 minutes.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<RepoRef, long> _installations = new();
    private readonly ConcurrentDictionary<long, AccessToken> _tokens = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public bool IsApp => true;

    public void RememberInstallation(RepoRef repo, long installationId) => _installations[repo] = installationId;

    public async Task<string> GetTokenAsync(RepoRef repo, CancellationToken ct)
    {
        if (!_installations.TryGetValue(repo, out var installationId))
        {
            installationId = (await GetRepoInstallationAsync(repo, ct)).Id;
            _installations[repo] = installationId;
        }
        return await GetInstallationTokenAsync(installationId, ct);
    }

    public async Task<string> GetInstallationTokenAsync(long installationId, CancellationToken ct)
    {
        if (Fresh(installationId) is { } token) return token;
        await _refresh.WaitAsync(ct);
        try
        {
            if (Fresh(installationId) is { } again) return again;
            var created = await CreateInstallationTokenAsync(installationId, ct);
            _tokens[installationId] = created;
            return created.Token;
        }
        finally { _refresh.Release(); }
    }

    private string? Fresh(long installationId) =>
        _tokens.TryGetValue(installationId, out var t) && time.GetUtcNow() < t.ExpiresAt - RenewBefore ? t.Token : null;

    /// <summary><c>GET /repos/{owner}/{repo}/installation</c> with the app JWT.</summary>
    public async Task<Installation> GetRepoInstallationAsync(RepoRef repo, CancellationToken ct)
    {
        try
        {
            return await connection.SendAsync(jwt.Create(), HttpMethod.Get, ApiUrls.RepoInstallation(repo.Owner, repo.Name),
                gh => gh.GitHubApps.GetRepositoryInstallationForCurrent(repo.Owner, repo.Name), ct).ConfigureAwait(false);
        }
        catch (GitHubApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new GitHubApiException(e.StatusCode, e.Method, e.Path, e.Body,
                $"the GitHub App is not installed on {repo.FullName} (GET {e.Path} answered 404): install it on the repository");
        }
    }

    /// <summary><c>POST /app/installations/{id}/access_tokens</c> with the app JWT.</summary>
    public Task<AccessToken> CreateInstallationTokenAsync(long installationId, CancellationToken ct) =>
        connection.SendAsync(jwt.Create(), HttpMethod.Post, ApiUrls.AccessTokens(installationId),
            gh => gh.GitHubApps.CreateInstallationToken(installationId), ct);
}

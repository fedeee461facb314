using System.Security.Cryptography;
using Bot.Adapters.GitHub;
using Microsoft.Extensions.Options;

namespace Bot.TestKit.GitHub;

/// <summary>A GitHub App registered with a <see cref="GitHubDouble"/>: its key, options, connection (Octokit sending
/// through the double), credentials and client.</summary>
public sealed class GitHubTestApp : IDisposable
{
    public const string ClientId = "Iv1.releasebot0001";
    public const string WebhookSecret = "It's a Secret to Everybody";

    public GitHubTestApp(FakeTimeProvider time, string baseUrl = "https://api.github.com/", Action<GitHubOptions>? configure = null)
    {
        Time = time;
        Key = RSA.Create(2048);
        Double = new GitHubDouble(time, baseUrl) { AppKey = Key, AppIssuer = ClientId };
        Options = new GitHubOptions { BaseUrl = baseUrl, ClientId = ClientId, PrivateKey = Key.ExportRSAPrivateKeyPem(), WebhookSecret = WebhookSecret };
        configure?.Invoke(Options);
        Http = Double.CreateClient();
        Connection = new GitHubConnection(() => Double, Microsoft.Extensions.Options.Options.Create(Options), time);
        Jwt = new GitHubAppJwt(Options.PrivateKey!, ClientId, time);
        Credentials = new GitHubAppCredentials(Connection, Jwt, time);
        Client = new GitHubClient(Connection, Credentials);
    }

    public FakeTimeProvider Time { get; }
    public RSA Key { get; }
    public GitHubDouble Double { get; }
    public GitHubOptions Options { get; }
    public HttpClient Http { get; }
    public GitHubConnection Connection { get; }
    public GitHubAppJwt Jwt { get; }
    public GitHubAppCredentials Credentials { get; }
    public GitHubClient Client { get; }

    public void Dispose()
    {
        Http.Dispose();
        Jwt.Dispose();
        Key.Dispose();
        Double.Dispose();
    }
}

using System.Net.Http.Headers;

namespace Bot.Adapters.GitHub;

/// <summary>
/// The headers GitHub asks every REST call to carry (protocols.md §5.2), on what Octokit sends: <c>Accept:
/// application/vnd.github+json</c> (Octokit asks for the older <c>vnd.github.v3+json</c>), <c>X-GitHub-Api-Version</c>
/// (Octokit sends none), the configured <c>User-Agent</c> alone (Octokit appends its platform), and <c>Content-Type:
/// application/json</c> on a JSON body (Octokit labels it <c>application/x-www-form-urlencoded</c>).
/// </summary>
public sealed class GitHubHeadersHandler(GitHubOptions options) : DelegatingHandler
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/vnd.github+json");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(Json);
        request.Headers.Remove("X-GitHub-Api-Version");
        request.Headers.Add("X-GitHub-Api-Version", options.ApiVersion);
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.ParseAdd(options.UserAgent);
        if (request.Content is { Headers.ContentType.MediaType: "application/x-www-form-urlencoded" } content)
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return base.SendAsync(request, ct);
    }
}

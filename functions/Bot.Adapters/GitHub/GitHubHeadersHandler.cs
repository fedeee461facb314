using System.Net.Http.Headers;

namespace Bot.Adapters.GitHub;

/// <summary>
/// The headers GitHub asks every REST call to carry (protocols.md §5.2), on what Octokit sends: <c>Accept:
/// application/vnd.github+json</c> where Octokit asks for its default, the older <c>vnd.github.v3+json</c>, <c>X-GitHub-Api-Version</c>
/// (Octokit sends none), the configured <c>User-Agent</c> alone (Octokit appends its platform), and <c>Content-Type:
/// application/json</c> on a JSON body (Octokit labels it <c>application/x-www-form-urlencoded</c>). It also cancels the
/// request with the caller's token (<see cref="Cancel"/>), which Octokit's typed calls cannot pass down.
/// </summary>
public sealed class GitHubHeadersHandler(GitHubOptions options) : DelegatingHandler
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/vnd.github+json");
    private const string OctokitJson = "application/vnd.github.v3+json";

    private static readonly AsyncLocal<CancellationToken> Caller = new();

    /// <summary>Until disposed, requests in this async flow are cancelled with <paramref name="token"/> too.</summary>
    internal static IDisposable Cancel(CancellationToken token)
    {
        var previous = Caller.Value;
        Caller.Value = token;
        return new Restore(previous);
    }

    private sealed class Restore(CancellationToken previous) : IDisposable
    {
        public void Dispose() => Caller.Value = previous;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        // Octokit's default JSON media type only: a media type a call asks for on purpose (raw, a preview) is kept.
        if (request.Headers.Accept.All(a => a.MediaType is OctokitJson))
        {
            request.Headers.Accept.Clear();
            request.Headers.Accept.Add(Json);
        }
        request.Headers.Remove("X-GitHub-Api-Version");
        request.Headers.Add("X-GitHub-Api-Version", options.ApiVersion);
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.ParseAdd(options.UserAgent);
        if (request.Content is { Headers.ContentType.MediaType: "application/x-www-form-urlencoded" } content)
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (!Caller.Value.CanBeCanceled) return await base.SendAsync(request, ct).ConfigureAwait(false);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, Caller.Value);
        var response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
        // A handler that answered without watching the token (or raced it) must not turn a cancelled call into an answer.
        if (Caller.Value.IsCancellationRequested)
        {
            response.Dispose();
            Caller.Value.ThrowIfCancellationRequested();
        }
        return response;
    }
}

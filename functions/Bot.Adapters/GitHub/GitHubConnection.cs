using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bot.Adapters.Http;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Bot.Adapters.GitHub;

/// <summary>A GitHub answer: status, body text and headers.</summary>
public sealed record GitHubResponse(HttpStatusCode StatusCode, string Body, HttpResponseHeaders Headers)
{
    public T Read<T>() => JsonSerializer.Deserialize<T>(Body, GitHubJson.Options)
                          ?? throw new JsonException($"GitHub answered null where a {typeof(T).Name} was expected");
}

/// <summary>
/// Sends one REST call: base URL (github.com or GHES <c>/api/v3</c>), the headers GitHub requires on every call,
/// rate-limit waits (a Polly retry driven by <see cref="GitHubRateLimit"/>; none inside <see cref="RateLimitWaits.Suspend"/>),
/// and typed errors.
/// </summary>
public sealed class GitHubConnection
{
    private readonly HttpClient _http;
    private readonly GitHubOptions _options;
    private readonly Uri _base;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;

    public GitHubConnection(HttpClient http, IOptions<GitHubOptions> options, TimeProvider time)
    {
        _http = http;
        _options = options.Value;
        _time = time;
        var baseUrl = _options.BaseUrl.EndsWith('/') ? _options.BaseUrl : _options.BaseUrl + "/";
        _base = new Uri(baseUrl, UriKind.Absolute);
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRateLimitRetries),
                ShouldHandle = async args => !RateLimitWaits.AreSuspended && args.Outcome.Result is { } r
                    && await DelayFor(r, args.AttemptNumber, args.Context.CancellationToken) is { } d && d <= _options.MaxRateLimitWait,
                DelayGenerator = async args => args.Outcome.Result is { } r ? await DelayFor(r, args.AttemptNumber, args.Context.CancellationToken) : null,
                UseJitter = false,
            })
            .Build();
    }

    public Uri BaseAddress => _base;

    private async ValueTask<TimeSpan?> DelayFor(HttpResponseMessage response, int attempt, CancellationToken ct)
    {
        if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)) return null;
        await response.Content.LoadIntoBufferAsync(ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return GitHubRateLimit.RetryDelay(response.StatusCode, response.Headers, body, _time.GetUtcNow(), attempt);
    }

    /// <summary>Sends the call and returns the answer when its status is 2xx or listed in <paramref name="allowed"/>.</summary>
    /// <param name="path">Relative to the base URL, without a leading slash, e.g. <c>repos/o/r/check-runs</c>.</param>
    /// <exception cref="GitHubApiException">Any other status, including a rate limit that could not be waited out.</exception>
    public async Task<GitHubResponse> SendAsync(HttpMethod method, string path, object? body, string? bearer, CancellationToken ct, params HttpStatusCode[] allowed)
    {
        using var response = await _pipeline.ExecuteAsync(async token =>
        {
            using var request = new HttpRequestMessage(method, new Uri(_base, path));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
            request.Headers.Add("X-GitHub-Api-Version", _options.ApiVersion);
            request.Headers.UserAgent.ParseAdd(_options.UserAgent);
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: GitHubJson.Options);
            return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
        }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.IsSuccessStatusCode || allowed.Contains(response.StatusCode))
            return new GitHubResponse(response.StatusCode, text, response.Headers);
        var wait = GitHubRateLimit.RetryDelay(response.StatusCode, response.Headers, text, _time.GetUtcNow(), 0);
        throw new GitHubApiException(response.StatusCode, method.Method, "/" + path.Split('?')[0], text) { IsRateLimited = wait is not null, RetryAfter = wait };
    }
}

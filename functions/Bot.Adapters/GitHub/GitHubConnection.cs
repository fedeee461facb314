using System.Net;
using System.Net.Http.Headers;
using Bot.Adapters.Http;
using Microsoft.Extensions.Options;
using Octokit;
using Octokit.Internal;
using Polly;
using Polly.Retry;

namespace Bot.Adapters.GitHub;

/// <summary>
/// Runs Octokit calls the way the bot needs them, in one place: Octokit clients over the <see cref="HttpClientName"/>
/// handler from DI (<see cref="GitHubHeadersHandler"/> on top), against exactly <see cref="GitHubOptions.BaseUrl"/>
/// (github.com's API, or GHES <c>https://HOST/api/v3/</c>; Octokit's own GHES suffixing is not used); rate-limit waits
/// (a Polly retry driven by <see cref="GitHubRateLimit"/>; none inside <see cref="RateLimitWaits.Suspend"/>); and
/// Octokit's exceptions mapped to <see cref="GitHubApiException"/>. An Octokit client (microseconds, a few KB) is built per
/// call, with that call's token, over the factory's current handler; none before the first call.
/// </summary>
public sealed class GitHubConnection
{
    /// <summary>The named HttpClient (IHttpClientFactory) whose handler Octokit sends through.</summary>
    public const string HttpClientName = "GitHub";

    private readonly GitHubOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<HttpMessageHandler> _handler;
    private readonly ResiliencePipeline _pipeline;
    private static readonly SimpleJsonSerializer Serializer = new();
    private static readonly Octokit.ProductHeaderValue Product = new("release-bot");

    /// <summary>Over the handler of the named client <see cref="HttpClientName"/>.</summary>
    public GitHubConnection(IHttpMessageHandlerFactory handlers, IOptions<GitHubOptions> options, TimeProvider time)
        : this(() => handlers.CreateHandler(HttpClientName), options, time)
    {
    }

    /// <param name="handler">Called for each Octokit client: the handler its requests go through (IHttpClientFactory's
    /// pooled handler, rotated as the factory does; or a test double).</param>
    public GitHubConnection(Func<HttpMessageHandler> handler, IOptions<GitHubOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        BaseAddress = new Uri(_options.BaseUrl.EndsWith('/') ? _options.BaseUrl : _options.BaseUrl + "/", UriKind.Absolute);
        _handler = handler;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRateLimitRetries),
                ShouldHandle = args => ValueTask.FromResult(!RateLimitWaits.AreSuspended && args.Outcome.Exception is ApiException e
                    && DelayFor(e, args.AttemptNumber) is { } d && d <= _options.MaxRateLimitWait),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ApiException e ? DelayFor(e, args.AttemptNumber) : null),
                UseJitter = false,
            })
            .Build();
    }

    public Uri BaseAddress { get; }

    /// <summary>How many Octokit clients <see cref="ClientFor"/> has built (none before the first GitHub call; the
    /// webhook acknowledgement makes none).</summary>
    public long ClientsBuilt => Interlocked.Read(ref _clientsBuilt);
    private long _clientsBuilt;

    /// <summary>An Octokit client authenticating with <paramref name="bearer"/> (an installation token, a personal token
    /// or the app JWT; null: anonymous).</summary>
    private IGitHubClient ClientFor(string? bearer)
    {
        Interlocked.Increment(ref _clientsBuilt);
        var credentials = bearer is null ? Credentials.Anonymous : new Credentials(bearer, AuthenticationType.Bearer);
        // Octokit's product name must be one HTTP token; GitHubHeadersHandler sends the configured User-Agent as given.
        return new Octokit.GitHubClient(new Connection(Product, BaseAddress,
            new InMemoryCredentialStore(credentials), new HttpClientAdapter(() => new GitHubHeadersHandler(_options) { InnerHandler = _handler() }), Serializer));
    }

    /// <summary>Runs <paramref name="call"/> on a client for <paramref name="bearer"/>, waiting out rate limits the
    /// options allow.</summary>
    /// <param name="method">For errors: the call's HTTP method.</param>
    /// <param name="path">For errors: the call's path relative to the base URL (an <see cref="ApiUrls"/> value).</param>
    /// <exception cref="GitHubApiException">GitHub answered an error, including a rate limit that could not be waited out.</exception>
    public async Task<T> SendAsync<T>(string? bearer, HttpMethod method, Uri path, Func<IGitHubClient, Task<T>> call, CancellationToken ct)
    {
        var client = ClientFor(bearer);
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                // Octokit's typed calls take no token; the handler under them links this one into the request.
                using var _ = GitHubHeadersHandler.Cancel(token);
                return await call(client).ConfigureAwait(false);
            }, ct).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            throw ToGitHubApiException(e, method, path);
        }
    }

    private TimeSpan? DelayFor(ApiException e, int attempt) =>
        e.HttpResponse is { } r ? GitHubRateLimit.RetryDelay(r.StatusCode, Headers(r), BodyOf(r), _time.GetUtcNow(), attempt) : null;

    private GitHubApiException ToGitHubApiException(ApiException e, HttpMethod method, Uri path)
    {
        var status = e.HttpResponse?.StatusCode ?? e.StatusCode;
        var body = e.HttpResponse is { } r ? BodyOf(r) : e.Message;
        var wait = e.HttpResponse is { } response
            ? GitHubRateLimit.RetryDelay(status, Headers(response), body, _time.GetUtcNow(), 0)
            : null;
        return new GitHubApiException(status, method.Method, "/" + path.OriginalString.Split('?')[0], body, inner: e)
        {
            IsRateLimited = wait is not null,
            RetryAfter = wait,
        };
    }

    private static string? BodyOf(IResponse response) => response.Body as string;

    /// <summary>Octokit hands headers over as a dictionary; <see cref="GitHubRateLimit"/> reads HTTP headers.</summary>
    private static HttpResponseHeaders Headers(IResponse response)
    {
        var message = new HttpResponseMessage(response.StatusCode);
        foreach (var (name, value) in response.Headers) message.Headers.TryAddWithoutValidation(name, value);
        return message.Headers;
    }
}

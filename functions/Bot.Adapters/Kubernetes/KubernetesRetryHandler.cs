using System.Net;
using Bot.Adapters.Http;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bot.Adapters.Kubernetes;

/// <summary>The bot's retry policy for one cluster's API calls (the SDK has none): 429 (honouring <c>Retry-After</c>), 5xx, a
/// dropped connection and an attempt that timed out are retried with jittered exponential backoff. Conflicts (409) and failed
/// patch tests (422) are not: the caller re-reads and re-decides. A call that kept timing out surfaces as a
/// <see cref="TimeoutException"/> naming it (transient: <see cref="Bot.Core.Ports.TransientFailures"/>).</summary>
internal sealed class KubernetesRetryHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string _context;

    public KubernetesRetryHandler(KubernetesOptions options, TimeProvider time, ILogger log, string context)
    {
        _context = context;
        // Delays run on the system clock; the injected one only reads Retry-After dates.
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time.GetUtcNow())),
                OnRetry = args =>
                {
                    log.LogWarning("Kubernetes API {Context}: retry {Attempt} after {Outcome}, waiting {Delay}",
                        _context, args.AttemptNumber + 1,
                        args.Outcome.Result is { } r ? $"{(int)r.StatusCode}" : args.Outcome.Exception?.GetType().Name, args.RetryDelay);
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        _pipeline = builder.AddTimeout(options.RequestTimeout).Build();
    }

    /// <summary>The delay a 429/503 asks for through <c>Retry-After</c> (seconds or an HTTP date), capped at one minute;
    /// null lets the backoff decide.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now) =>
        RetryAfterHeader.Delay(response?.Headers, now) is { } d ? (d > TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : d) : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(static (state, ct) => new ValueTask<HttpResponseMessage>(state.Self.SendOnceAsync(state.Request, ct)),
                (Self: this, Request: request), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri?.AbsolutePath} (context {_context}): the API server did not answer in time", e);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);
}

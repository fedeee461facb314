using Bot.Adapters.Http;
using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bot.Adapters.Slack;

/// <summary>
/// Retries Slack calls on 5xx, timeouts and network errors with jittered backoff, and on 429 after exactly the
/// <c>Retry-After</c> Slack asked for (when it is at most <see cref="SlackOptions.MaxRetryAfter"/>). Each attempt has
/// its own timeout. Inside <see cref="RateLimitWaits.Suspend"/> a 429 is not waited for: the call fails with its wait. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class SlackResilienceHandler : DelegatingHandler
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _time;

    public SlackResilienceHandler(IOptions<SlackOptions> options, TimeProvider time)
    {
        _time = time;
        var o = options.Value;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result.StatusCode: HttpStatusCode.TooManyRequests } r => !RateLimitWaits.AreSuspended && RetryAfter(r.Result!) <= o.MaxRetryAfter,
                    { Result: { } r } => (int)r.StatusCode >= 500,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } r ? RetryAfter(r) : (TimeSpan?)null),
            });
        }
        builder.AddTimeout(o.AttemptTimeout);
        _pipeline = builder.Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Buffer the body once so every attempt sends the same bytes.
        if (request.Content is not null) await request.Content.LoadIntoBufferAsync(cancellationToken);
        return await _pipeline.ExecuteAsync(
            static async (state, token) => await state.Item1.SendCore(state.request, token),
            (this, request), cancellationToken);
    }

    private Task<HttpResponseMessage> SendCore(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);

    /// <summary>Slack sends whole seconds; a missing header counts as one second.</summary>
    internal TimeSpan? RetryAfterOf(HttpResponseMessage r) => RetryAfter(r);

    private TimeSpan? RetryAfter(HttpResponseMessage r) => RetryAfterHeader.Delay(r.Headers, _time.GetUtcNow()) ?? TimeSpan.FromSeconds(1);
}

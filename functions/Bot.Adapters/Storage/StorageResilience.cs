using Bot.Adapters.Http;
using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bot.Adapters.Storage;

/// <summary>The Polly v8 pipeline every storage call runs in: retry (outer, jittered exponential) around a per-attempt timeout.</summary>
public static class StorageResilience
{
    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(StorageRetryOptions? options = null, TimeProvider? time = null)
    {
        options ??= new StorageRetryOptions();
        var clock = time ?? TimeProvider.System;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, clock.GetUtcNow(), options.MaxDelay)),
                OnRetry = args =>
                {
                    // The failed response is replaced by the next attempt's: release its connection now.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    /// <summary>True for outcomes worth another attempt: network errors, timeouts, 5xx, 408 and 429.</summary>
    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException => true,
        TimeoutRejectedException => true,
        OperationCanceledException { InnerException: TimeoutException } => true, // HttpClient.Timeout
        null => outcome.Result is { } r && IsTransient(r.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, DateTimeOffset now, TimeSpan max) =>
        RetryAfterHeader.Delay(response?.Headers, now) is { } d && d > TimeSpan.Zero ? (d < max ? d : max) : null;
}

using System.Net;
using System.Net.Http.Headers;
using Bot.Adapters.GitHub;

namespace Bot.Adapters.Tests.GitHub;

public class GitHubRateLimitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static HttpResponseHeaders Headers(string? remaining = null, DateTimeOffset? reset = null, TimeSpan? retryAfter = null)
    {
        var r = new HttpResponseMessage();
        if (remaining is not null) r.Headers.TryAddWithoutValidation("x-ratelimit-remaining", remaining);
        if (reset is { } t) r.Headers.TryAddWithoutValidation("x-ratelimit-reset", t.ToUnixTimeSeconds().ToString());
        if (retryAfter is { } ra) r.Headers.RetryAfter = new RetryConditionHeaderValue(ra);
        return r.Headers;
    }

    [Fact]
    public void RetryDelay_PrimaryRemainingZero_WaitsUntilReset() =>
        Assert.Equal(TimeSpan.FromSeconds(121), GitHubRateLimit.RetryDelay(HttpStatusCode.Forbidden, Headers("0", Now.AddMinutes(2)), "API rate limit exceeded", Now, 0));

    [Fact]
    public void RetryDelay_Primary429_WaitsUntilReset() =>
        Assert.Equal(TimeSpan.FromSeconds(11), GitHubRateLimit.RetryDelay(HttpStatusCode.TooManyRequests, Headers("0", Now.AddSeconds(10)), null, Now, 0));

    [Fact]
    public void RetryDelay_SecondaryWithRetryAfter_HonoursIt() =>
        Assert.Equal(TimeSpan.FromSeconds(45), GitHubRateLimit.RetryDelay(HttpStatusCode.Forbidden, Headers("12", Now.AddMinutes(30), TimeSpan.FromSeconds(45)), "You have exceeded a secondary rate limit", Now, 0));

    [Theory]
    [InlineData(0, 60)]
    [InlineData(1, 120)]
    [InlineData(2, 240)]
    public void RetryDelay_SecondaryWithoutHeaders_BacksOffFrom60s(int attempt, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), GitHubRateLimit.RetryDelay(HttpStatusCode.Forbidden, Headers("50"), "You have exceeded a secondary rate limit", Now, attempt));

    [Fact]
    public void RetryDelay_SecondaryRemainingZero_WaitsUntilReset() =>
        Assert.Equal(TimeSpan.FromSeconds(31), GitHubRateLimit.RetryDelay(HttpStatusCode.Forbidden, Headers("0", Now.AddSeconds(30)), "secondary rate limit", Now, 0));

    [Fact]
    public void RetryDelay_PermissionForbidden_IsNotARateLimit() =>
        Assert.Null(GitHubRateLimit.RetryDelay(HttpStatusCode.Forbidden, Headers("4999"), "{\"message\":\"Resource not accessible by integration\"}", Now, 0));

    [Fact]
    public void RetryDelay_OtherStatus_IsNotARateLimit() =>
        Assert.Null(GitHubRateLimit.RetryDelay(HttpStatusCode.UnprocessableEntity, Headers("0", Now), "secondary rate limit", Now, 0));
}

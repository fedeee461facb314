using System.Net.Http.Headers;
using Bot.Adapters.Http;

namespace Bot.Adapters.Tests.Http;

public class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private static HttpResponseHeaders Headers(RetryConditionHeaderValue? value)
    {
        var response = new HttpResponseMessage();
        response.Headers.RetryAfter = value;
        return response.Headers;
    }

    [Fact]
    public void Delay_Seconds_AreTheDelay() =>
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfterHeader.Delay(Headers(new RetryConditionHeaderValue(TimeSpan.FromSeconds(30))), Now));

    [Fact]
    public void Delay_HttpDate_IsMeasuredFromNow() =>
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterHeader.Delay(Headers(new RetryConditionHeaderValue(Now.AddSeconds(90))), Now));

    [Fact]
    public void Delay_DateInThePast_IsZero() =>
        Assert.Equal(TimeSpan.Zero, RetryAfterHeader.Delay(Headers(new RetryConditionHeaderValue(Now.AddMinutes(-1))), Now));

    [Fact]
    public void Delay_NoHeader_IsNull()
    {
        Assert.Null(RetryAfterHeader.Delay(Headers(null), Now));
        Assert.Null(RetryAfterHeader.Delay(null, Now));
    }
}

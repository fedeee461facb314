using System.Text;
using Bot.Functions.Ci;

namespace Bot.Functions.Tests.Ci;

public class CiAuthTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"build-1","service":"checkout-api","version":"1.4.2","status":"succeeded"}""");
    private static readonly CiOptions Both = new() { SigningSecret = "s3cr3t-ci", Token = "tok-ci-123" };
    private static string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Check_ValidSignature_Accepted()
    {
        var sig = CiAuth.Sign("s3cr3t-ci", Ts(Now), Body);
        Assert.Null(CiAuth.Check(Both, null, Ts(Now), sig, Body, Now));
    }

    [Fact]
    public void Sign_KnownVector_MatchesOpenSsl()
    {
        // printf '1700000000.hello' | openssl dgst -sha256 -hmac key
        Assert.Equal("sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("key"), Encoding.UTF8.GetBytes("1700000000.hello"))),
            CiAuth.Sign("key", "1700000000", "hello"u8));
    }

    [Theory]
    [InlineData(-6 * 60, "stale")]
    [InlineData(6 * 60, "stale")]
    public void Check_TimestampOutsideWindow_Refused(int offsetSeconds, string expected)
    {
        var ts = Ts(Now.AddSeconds(offsetSeconds));
        Assert.Contains(expected, CiAuth.Check(Both, null, ts, CiAuth.Sign("s3cr3t-ci", ts, Body), Body, Now));
    }

    [Fact]
    public void Check_TimestampInsideWindow_Accepted()
    {
        var ts = Ts(Now.AddSeconds(-4 * 60));
        Assert.Null(CiAuth.Check(Both, null, ts, CiAuth.Sign("s3cr3t-ci", ts, Body), Body, Now));
    }

    [Fact]
    public void Check_BodyTampered_Refused()
    {
        var sig = CiAuth.Sign("s3cr3t-ci", Ts(Now), Body);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("1.4.2", "6.6.6"));
        Assert.Equal("bad signature", CiAuth.Check(Both, null, Ts(Now), sig, tampered, Now));
    }

    [Fact]
    public void Check_TimestampSwapped_Refused()
    {
        var sig = CiAuth.Sign("s3cr3t-ci", Ts(Now), Body);
        Assert.Equal("bad signature", CiAuth.Check(Both, null, Ts(Now.AddSeconds(1)), sig, Body, Now));
    }

    [Theory]
    [InlineData("sha256=zz")]
    [InlineData("md5=abcd")]
    [InlineData("sha256=abcd")]
    public void Check_MalformedSignature_Refused(string sig)
    {
        Assert.NotNull(CiAuth.Check(Both, null, Ts(Now), sig, Body, Now));
    }

    [Theory]
    [InlineData("Bearer tok-ci-123", null)]
    [InlineData("bearer tok-ci-123", null)]
    [InlineData("Bearer tok-ci-12", "bad bearer token")]
    [InlineData("Bearer ", "bad bearer token")]
    [InlineData("Basic dG9rOg==", "missing credentials")]
    [InlineData(null, "missing credentials")]
    public void Check_Bearer_Table(string? header, string? expected)
    {
        var error = CiAuth.Check(Both, header, null, null, Body, Now);
        if (expected is null) Assert.Null(error);
        else Assert.Contains(expected, error);
    }

    [Fact]
    public void Check_NothingConfigured_RefusesEverything()
    {
        Assert.Contains("not configured", CiAuth.Check(new CiOptions(), "Bearer x", null, null, Body, Now));
    }

    [Fact]
    public void Check_SignatureWithoutSecretConfigured_Refused()
    {
        var tokenOnly = new CiOptions { Token = "tok-ci-123" };
        Assert.Contains("not enabled", CiAuth.Check(tokenOnly, null, Ts(Now), CiAuth.Sign("guess", Ts(Now), Body), Body, Now));
    }
}

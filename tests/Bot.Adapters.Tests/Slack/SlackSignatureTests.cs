using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.Slack;
using Bot.TestKit;

namespace Bot.Adapters.Tests.Slack;

public class SlackSignatureTests
{
    private static readonly JsonObject Vector = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("slack", "signature-vector.json")))!.AsObject();
    private static string Secret => Vector["signingSecret"]!.GetValue<string>();
    private static string Ts => Vector["timestamp"]!.GetValue<string>();
    private static byte[] Body => Encoding.UTF8.GetBytes(Vector["rawBody"]!.GetValue<string>());
    private static string Signature => Vector["signature"]!.GetValue<string>();
    private static DateTimeOffset SentAt => DateTimeOffset.FromUnixTimeSeconds(long.Parse(Ts));

    [Fact]
    public void Compute_PublishedVector_MatchesSlacksSignature() =>
        Assert.Equal(Signature, SlackSignature.ComputeString(Secret, Ts, Body));

    [Fact]
    public void Verify_PublishedVectorWithinWindow_IsValid() =>
        Assert.Equal(SlackSignatureResult.Valid, SlackSignature.Verify(Secret, Ts, Signature, Body, SentAt.AddSeconds(299), TimeSpan.FromMinutes(5)));

    [Theory]
    [InlineData(301)]
    [InlineData(-301)]
    public void Verify_TimestampOutsideFiveMinutes_IsStale(int skewSeconds) =>
        Assert.Equal(SlackSignatureResult.Stale, SlackSignature.Verify(Secret, Ts, Signature, Body, SentAt.AddSeconds(skewSeconds), TimeSpan.FromMinutes(5)));

    [Fact]
    public void Verify_OneBodyByteChanged_IsMismatch()
    {
        var body = Body;
        body[^1] ^= 1;
        Assert.Equal(SlackSignatureResult.Mismatch, SlackSignature.Verify(Secret, Ts, Signature, body, SentAt, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Verify_WrongSecret_IsMismatch() =>
        Assert.Equal(SlackSignatureResult.Mismatch, SlackSignature.Verify(Secret + "x", Ts, Signature, Body, SentAt, TimeSpan.FromMinutes(5)));

    [Fact]
    public void Verify_UppercaseHexSignature_IsMismatch() =>
        Assert.Equal(SlackSignatureResult.Mismatch, SlackSignature.Verify(Secret, Ts, Signature.ToUpperInvariant(), Body, SentAt, TimeSpan.FromMinutes(5)));

    [Theory]
    [InlineData(null, "v0=abc", SlackSignatureResult.MissingHeaders)]
    [InlineData("1531420618", null, SlackSignatureResult.MissingHeaders)]
    [InlineData("15314x0618", "v0=abc", SlackSignatureResult.BadTimestamp)]
    [InlineData("-1531420618", "v0=abc", SlackSignatureResult.BadTimestamp)]
    public void Verify_BadHeaders_SaysWhich(string? ts, string? sig, SlackSignatureResult expected) =>
        Assert.Equal(expected, SlackSignature.Verify(Secret, ts, sig, Body, SentAt, TimeSpan.FromMinutes(5)));
}

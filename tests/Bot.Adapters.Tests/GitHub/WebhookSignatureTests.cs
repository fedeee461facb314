using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.TestKit;

namespace Bot.Adapters.Tests.GitHub;

public class WebhookSignatureTests
{
    private static readonly JsonNode Vector = JsonNode.Parse(File.ReadAllText(RepoPaths.Fixture("github", "signature-vector.json")))!;
    private static string Secret => (string)Vector["secret"]!;
    private static byte[] Body => Encoding.UTF8.GetBytes((string)Vector["rawBody"]!);
    private static string Expected => (string)Vector["signature256"]!;

    [Fact]
    public void Compute_PublishedVector_MatchesGitHub() => Assert.Equal(Expected, WebhookSignature.Compute(Secret, Body));

    [Fact]
    public void IsValid_PublishedVector_Accepts() => Assert.True(WebhookSignature.IsValid(Secret, Body, Expected));

    [Theory]
    [InlineData("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18")] // last digit changed
    [InlineData("sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]
    [InlineData("sha256=zz")]
    [InlineData("sha256=")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_WrongOrMalformedHeader_Rejects(string? header) => Assert.False(WebhookSignature.IsValid(Secret, Body, header));

    [Fact]
    public void IsValid_BodyChangedByOneByte_Rejects() =>
        Assert.False(WebhookSignature.IsValid(Secret, Encoding.UTF8.GetBytes("Hello, World?"), Expected));

    [Fact]
    public void IsValid_OtherSecret_Rejects() => Assert.False(WebhookSignature.IsValid("another secret", Body, Expected));

    [Fact]
    public void IsValid_UppercaseHex_Accepts() => Assert.True(WebhookSignature.IsValid(Secret, Body, "sha256=" + Expected[7..].ToUpperInvariant()));
}

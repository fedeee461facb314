using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Adapters.GitHub;
using Bot.TestKit;

namespace Bot.Adapters.Tests.GitHub;

public class GitHubAppJwtTests
{
    private readonly FakeTimeProvider _time = new();

    public static TheoryData<string> PemKinds => new() { "pkcs1", "pkcs8" };

    private static string Pem(RSA key, string kind) => kind == "pkcs1" ? key.ExportRSAPrivateKeyPem() : key.ExportPkcs8PrivateKeyPem();

    private static byte[] B64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    [Theory]
    [MemberData(nameof(PemKinds))]
    public void Create_FromPem_IsRs256SignedWithGitHubsClaims(string kind)
    {
        using var key = RSA.Create(2048);
        using var jwt = new GitHubAppJwt(Pem(key, kind), "Iv1.8a61f9b3a7aba766", _time);

        var parts = jwt.Create().Split('.');

        Assert.Equal(3, parts.Length);
        var header = JsonNode.Parse(B64Url(parts[0]))!;
        Assert.Equal("RS256", (string?)header["alg"]);
        Assert.Equal("JWT", (string?)header["typ"]);
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), B64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var claims = JsonNode.Parse(B64Url(parts[1]))!;
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(now - 60, (long)claims["iat"]!);
        Assert.True((long)claims["exp"]! <= now + 600);
        Assert.True((long)claims["exp"]! > now + 60);
        Assert.Equal("Iv1.8a61f9b3a7aba766", (string?)claims["iss"]);
    }

    [Fact]
    public void Create_ClockMoves_ClaimsFollowTheClock()
    {
        using var key = RSA.Create(2048);
        using var jwt = new GitHubAppJwt(key.ExportPkcs8PrivateKeyPem(), "12345", _time);
        _time.Advance(TimeSpan.FromHours(3));
        var claims = JsonNode.Parse(B64Url(jwt.Create().Split('.')[1]))!;
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds() - 60, (long)claims["iat"]!);
    }

    [Fact]
    public void Ctor_NotAKey_FailsWithoutEchoingIt()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new GitHubAppJwt("-----BEGIN SECRET-----\nc2VjcmV0LXZhbHVl\n-----END SECRET-----", "1", _time));
        Assert.Contains("GitHub:PrivateKey", e.Message);
        Assert.DoesNotContain("c2VjcmV0LXZhbHVl", e.Message);
    }
}

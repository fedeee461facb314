using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bot.Adapters.GitHub;

/// <summary>The JSON Web Token a GitHub App authenticates as itself with: RS256 over <c>{iat, exp, iss}</c>.</summary>
public sealed class GitHubAppJwt : IDisposable
{
    /// <summary><c>iat</c> is this far in the past, to allow for clock drift (GitHub's advice).</summary>
    public static readonly TimeSpan IssuedAtSkew = TimeSpan.FromSeconds(60);

    /// <summary>Lifetime from <c>iat</c>; GitHub rejects <c>exp</c> more than 10 minutes ahead.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly RSA _key;
    private readonly string _issuer;
    private readonly TimeProvider _time;

    /// <param name="pem">PKCS#1 (<c>BEGIN RSA PRIVATE KEY</c>) or PKCS#8 (<c>BEGIN PRIVATE KEY</c>) PEM.</param>
    /// <param name="issuer">The app's client ID (recommended) or app ID.</param>
    public GitHubAppJwt(string pem, string issuer, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(issuer)) throw new ArgumentException("the JWT issuer (GitHub:ClientId or GitHub:AppId) is empty", nameof(issuer));
        _key = RSA.Create();
        try
        {
            _key.ImportFromPem(pem);
        }
        catch (ArgumentException e)
        {
            _key.Dispose();
            // Never echo the key itself.
            throw new InvalidOperationException("GitHub:PrivateKey is not a PEM RSA private key (PKCS#1 or PKCS#8): " + e.Message.Split('(')[0].Trim());
        }
        _issuer = issuer;
        _time = time;
    }

    public string Create()
    {
        var now = _time.GetUtcNow();
        var iat = (now - IssuedAtSkew).ToUnixTimeSeconds();
        // exp counts from iat, so the token is never more than 10 minutes ahead of GitHub's clock.
        var exp = iat + (long)Lifetime.TotalSeconds - 1;
        var header = Base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["iat"] = iat, ["exp"] = exp, ["iss"] = _issuer }));
        var signingInput = header + "." + payload;
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    internal static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose() => _key.Dispose();
}

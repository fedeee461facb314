using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Functions.Ci;

/// <summary>
/// Checks a CI request: either <c>Authorization: Bearer {token}</c>, or <c>X-Releasebot-Timestamp: {unix seconds}</c>
/// plus <c>X-Releasebot-Signature: sha256={hex HMAC-SHA256(secret, "{timestamp}.{raw body}")}</c> within the
/// tolerance. Every comparison is constant time. Messages say what is wrong without echoing secrets.
/// </summary>
public static class CiAuth
{
    public const string TimestampHeader = "X-Releasebot-Timestamp";
    public const string SignatureHeader = "X-Releasebot-Signature";
    private const string Prefix = "sha256=";

    /// <summary>Null when authenticated, else why not (for the 401 body).</summary>
    public static string? Check(CiOptions options, string? authorization, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(options.SigningSecret) && string.IsNullOrEmpty(options.Token))
            return "CI webhooks are not configured: set Ci__SigningSecret or Ci__Token";

        if (!string.IsNullOrEmpty(signature) || !string.IsNullOrEmpty(timestamp))
        {
            if (string.IsNullOrEmpty(options.SigningSecret)) return "signed requests are not enabled: set Ci__SigningSecret, or send a bearer token";
            return CheckSignature(options, timestamp, signature, body, now);
        }
        if (authorization is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrEmpty(options.Token)) return "bearer tokens are not enabled: set Ci__Token, or sign the request";
            var given = Encoding.UTF8.GetBytes(auth["Bearer ".Length..].Trim());
            var expected = Encoding.UTF8.GetBytes(options.Token);
            // Hash both so the comparison is constant time regardless of length.
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(expected)) ? null : "bad bearer token";
        }
        return $"missing credentials: send {SignatureHeader} and {TimestampHeader}, or Authorization: Bearer";
    }

    private static string? CheckSignature(CiOptions options, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return $"{TimestampHeader} must be the Unix time in seconds";
        var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        if ((now - at).Duration() > options.SignatureTolerance)
            return $"stale signature: {TimestampHeader} is more than {options.SignatureTolerance.TotalMinutes:0} minutes from the bot's clock";
        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal))
            return $"{SignatureHeader} must be sha256=<hex>";
        byte[] given;
        try { given = Convert.FromHexString(signature.AsSpan(Prefix.Length)); }
        catch (FormatException) { return $"{SignatureHeader} must be sha256=<hex>"; }
        var expected = Compute(options.SigningSecret!, timestamp!, body);
        return given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(given, expected) ? null : "bad signature";
    }

    /// <summary>HMAC-SHA256 over <c>{timestamp}.{body}</c>.</summary>
    public static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var data = new byte[prefix.Length + body.Length];
        prefix.CopyTo(data, 0);
        body.CopyTo(data.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data);
    }

    /// <summary>The header value a client sends: <c>sha256={lowercase hex}</c>.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(Compute(secret, timestamp, body));
}

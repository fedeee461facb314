using System.Security.Cryptography;
using System.Text;

namespace Bot.Adapters.GitHub;

/// <summary><c>X-Hub-Signature-256: sha256=&lt;hex HMAC-SHA256(secret, raw body)&gt;</c>.</summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static string Compute(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>True when <paramref name="header"/> is the signature of <paramref name="body"/>; compared in constant time.</summary>
    public static bool IsValid(string secret, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(secret) || header is null || !header.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = header.AsSpan(Prefix.Length).Trim();
        if (hex.Length != 64) return false;
        Span<byte> given = stackalloc byte[32];
        try
        {
            if (Convert.FromHexString(hex, given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32) return false;
        }
        catch (FormatException) { return false; }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

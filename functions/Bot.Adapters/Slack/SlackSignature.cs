using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bot.Adapters.Slack;

public enum SlackSignatureResult { Valid, MissingHeaders, BadTimestamp, Stale, Mismatch }

/// <summary>Verifies <c>X-Slack-Signature</c> (v0 scheme) over the raw request body (protocols.md §4.1).</summary>
public static class SlackSignature
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string RetryNumHeader = "X-Slack-Retry-Num";

    /// <summary>Checks the timestamp window first (so a replayed request is refused even with a good signature), then
    /// the HMAC in constant time.</summary>
    public static SlackSignatureResult Verify(string signingSecret, string? timestamp, string? signature, ReadOnlySpan<byte> rawBody, DateTimeOffset now, TimeSpan window)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature)) return SlackSignatureResult.MissingHeaders;
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return SlackSignatureResult.BadTimestamp;
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > window.TotalSeconds) return SlackSignatureResult.Stale;

        var expected = Compute(signingSecret, timestamp, rawBody);
        var given = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? SlackSignatureResult.Valid : SlackSignatureResult.Mismatch;
    }

    /// <summary><c>"v0=" + lowercase hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))</c>, as ASCII bytes.</summary>
    public static byte[] Compute(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody)
    {
        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        var message = new byte[prefix.Length + rawBody.Length];
        prefix.CopyTo(message, 0);
        rawBody.CopyTo(message.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingSecret), message);
        return Encoding.ASCII.GetBytes("v0=" + Convert.ToHexStringLower(mac));
    }

    public static string ComputeString(string signingSecret, string timestamp, ReadOnlySpan<byte> rawBody) =>
        Encoding.ASCII.GetString(Compute(signingSecret, timestamp, rawBody));
}

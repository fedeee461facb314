using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Bot.Functions.Ci;
using Bot.Functions.Tests.Support;

namespace Bot.Functions.Tests.Ci;

/// <summary>Signed <c>POST /api/ci</c> requests as a CI system sends them (HMAC over <c>{timestamp}.{raw body}</c>).</summary>
internal static class CiRequests
{
    public static string Build(string id, string service, string version, string status = "succeeded") =>
        $$"""{"id":"{{id}}","service":"{{service}}","version":"{{version}}","status":"{{status}}","buildUrl":"https://ci.example.com/job/1/"}""";

    public static HttpRequestMessage Signed(string body) => Signed(Encoding.UTF8.GetBytes(body));

    public static HttpRequestMessage Signed(byte[] body)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/ci") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(CiAuth.TimestampHeader, ts);
        request.Headers.Add(CiAuth.SignatureHeader, CiAuth.Sign(TestAppRoot.CiSigningSecret, ts, body));
        return request;
    }
}

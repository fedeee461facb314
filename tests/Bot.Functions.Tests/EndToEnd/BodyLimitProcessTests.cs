using System.Net;
using System.Text;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.EndToEnd;

/// <summary>Kestrel's own body limit (30 MB) in a real bot process: the answer is a problem document that says so, like every
/// other failure answer, not a bare 413.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class BodyLimitProcessTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task BodyOverKestrelsLimit_Is413ProblemDocument()
    {
        using var root = new TestAppRoot();
        root.AddIssuePlan("shop-" + Guid.NewGuid().ToString("N")[..8]);
        using var bot = await BotProcess.StartAsync(root, azurite.ConnectionString, runTriggers: false);
        // The headers of a 31 MB body, then nothing: Kestrel refuses the body once the endpoint reads it, and the answer
        // comes back while a client would still be sending (HttpClient sees a broken pipe), so it is read off the socket.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, bot.Port);
        var stream = tcp.GetStream();
        var head = $"POST /api/rollouts HTTP/1.1\r\nHost: 127.0.0.1:{bot.Port}\r\nAuthorization: Bearer {TestAppRoot.DeployerKey}\r\n"
            + "Content-Type: application/json\r\nContent-Length: 31000000\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(Encoding.ASCII.GetBytes("{\"service\":\"" + new string('a', 1000)));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new char[4096];
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !answer.ToString().TrimEnd().EndsWith('}'))
        {
            var n = await reader.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            answer.Append(buffer, 0, n);
        }
        var text = answer.ToString();

        Assert.StartsWith("HTTP/1.1 413", text, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("too large", text, StringComparison.OrdinalIgnoreCase);
    }
}

using Bot.Core.Ports;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bot.Adapters.Storage;
using Bot.Functions.Releases;
using Bot.Functions.Tests.Ci;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit.Abstractions;

namespace Bot.Functions.Tests.Hosting;

/// <summary>Every failure answer is an RFC 7807 problem document, through the real app: storage down is a 503 with
/// Retry-After, an undecodable body a 400 that says where, anything unexpected a 500 that is never empty.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class ProblemAnswersTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    /// <summary>Storage endpoints on a port nothing listens on: every request is refused at once.</summary>
    private static string DeadStorage()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return AzuriteFixture.ConnectionStringFor(port, port);
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal((int)status, (int)body["status"]!);
        Assert.Equal(title, (string?)body["title"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)body["detail"]), text);
        Assert.NotNull(body["traceId"]);
        return (string)body["detail"]!;
    }

    [Fact]
    public async Task CommandApiStart_StorageDown_503ProblemWithRetryAfter()
    {
        using var root = new TestAppRoot();
        root.AddIssuePlan("checkout-api");
        await using var app = new BotApplication(azurite, root, runTriggers: false, connectionString: DeadStorage());
        var client = app.Client(TestAppRoot.DeployerKey);

        var watch = Stopwatch.StartNew();
        var response = await client.PostJsonAsync("/api/rollouts", new { service = "checkout-api", version = "1.4.2" });
        output.WriteLine($"command API start with storage down answered {(int)response.StatusCode} after {watch.ElapsedMilliseconds} ms");

        var detail = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "Storage unavailable");
        Assert.Contains("AzureWebJobsStorage", detail);
        Assert.Contains("POST /api/rollouts", detail);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task CiWebhook_StorageDown_503ProblemWithRetryAfter_AndTheRetryStartsOnceStorageIsBack()
    {
        using var root = new TestAppRoot();
        var service = "ci-" + Guid.NewGuid().ToString("N")[..8];
        root.AddIssuePlan(service);
        var body = CiRequests.Build("build-" + Guid.NewGuid().ToString("N")[..8], service, "1.4.2");

        await using (var down = new BotApplication(azurite, root, runTriggers: false, connectionString: DeadStorage()))
        {
            var response = await down.Client(null).SendAsync(CiRequests.Signed(body));

            var detail = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "Storage unavailable");
            Assert.Contains("POST /api/ci", detail);
            Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        }

        // The CI system's retry of the same delivery, with storage back, starts the rollout.
        await using var up = new BotApplication(azurite, root, runTriggers: false);
        var retry = await up.Client(null).SendAsync(CiRequests.Signed(body));
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal($"{service}-1", (string?)(await retry.JsonAsync())["rolloutId"]);
    }

    [Fact]
    public async Task CiWebhook_SignedBodyWithInvalidUtf8InAString_400ProblemNamingFieldAndOffset()
    {
        using var root = new TestAppRoot();
        root.AddIssuePlan("checkout-api");
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        var text = CiRequests.Build("build-utf8", "checkout-api", "VERSION");
        var at = Encoding.UTF8.GetByteCount(text[..text.IndexOf("VERSION", StringComparison.Ordinal)]);
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes[at + 1] = 0xC3; // a lead byte followed by 'R': not UTF-8
        bytes[at + 2] = 0x28;

        var response = await app.Client(null).SendAsync(CiRequests.Signed(bytes));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        var error = (string)problem["errors"]!["version"]![0]!;
        Assert.Contains("not valid UTF-8", error);
        Assert.Contains($"byte offset {at + 1}", error);
    }

    [Fact]
    public async Task CommandApiStart_InvalidUtf8InTheBody_400Problem()
    {
        using var root = new TestAppRoot();
        root.AddIssuePlan("checkout-api");
        await using var app = new BotApplication(azurite, root, runTriggers: false);
        var bytes = Encoding.UTF8.GetBytes("""{"service":"checkout-api","version":"1.4.2","reason":"bad X"}""");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xFF;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");

        var response = await app.Client(TestAppRoot.DeployerKey).PostAsync("/api/rollouts", content);

        Assert.Contains("not valid UTF-8", await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Undecodable body"));
    }

    [Fact]
    public async Task Endpoint_UnexpectedException_500ProblemThatNamesOnlyTheType()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false,
            services: s => s.Replace(ServiceDescriptor.Singleton<IReleaseConfigs>(new ThrowingConfigs())));

        var response = await app.Client(TestAppRoot.DeployerKey).PostJsonAsync("/api/rollouts", new { service = "checkout-api", version = "1.4.2" });

        var detail = await AssertProblemAsync(response, HttpStatusCode.InternalServerError, "Internal error");
        Assert.Contains(nameof(InvalidOperationException), detail);
        Assert.DoesNotContain("secret-looking", detail);
    }

    [Fact]
    public async Task UnknownRoute_404Problem()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false);

        var response = await app.Client(null).GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed class ThrowingConfigs : IReleaseConfigs
    {
        public Task<Core.Config.ReleaseConfig?> FindAsync(string service, CancellationToken ct) =>
            throw new InvalidOperationException("secret-looking internal detail");
        public Task<IReadOnlyList<Core.Config.ReleaseConfig>> ListAsync(CancellationToken ct) =>
            throw new InvalidOperationException("secret-looking internal detail");
    }
}

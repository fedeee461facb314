using System.Net;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;

namespace Bot.Functions.Tests.Hosting;

[Collection(AzuriteFixture.Collection)]
public sealed class HealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_StorageReachable_Returns200WithVersionModeAndStorage()
    {
        using var root = new TestAppRoot();
        await using var app = new BotApplication(azurite, root, runTriggers: false);

        var response = await app.Client(null).GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("standalone", (string?)body["mode"]);
        Assert.False(string.IsNullOrEmpty((string?)body["version"]));
        Assert.Equal("Healthy", (string?)body["dependencies"]!["storage"]!["status"]);
    }

    [Fact]
    public async Task Health_StorageDown_Returns503NamingStorage()
    {
        using var root = new TestAppRoot();
        var deadPort = azurite.QueuePort; // a port nothing listens on once we take a fresh one below
        using (var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0)) { l.Start(); deadPort = ((IPEndPoint)l.LocalEndpoint).Port; }
        var dead = AzuriteFixture.ConnectionStringFor(deadPort, deadPort);
        await using var app = new DeadStorageApplication(azurite, root, dead);

        var response = await app.Client(null).GetAsync("/api/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", (string?)(await response.JsonAsync())["dependencies"]!["storage"]!["status"]);
    }

    private sealed class DeadStorageApplication(AzuriteFixture azurite, TestAppRoot root, string connection) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            foreach (var (key, value) in root.Settings(azurite.ConnectionString, runTriggers: false)) builder.UseSetting(key, value);
            builder.UseSetting("AzureWebJobsStorage", connection);
        }

        public HttpClient Client(string? _) => CreateClient();
    }
}

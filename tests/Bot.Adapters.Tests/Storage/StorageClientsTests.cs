using Bot.Adapters.Storage;

namespace Bot.Adapters.Tests.Storage;

public sealed class StorageClientsTests
{
    private const string Key = "c2VjcmV0LWtleS1ieXRlcy0wMTIzNDU2Nzg5YWJjZGVm";

    [Fact]
    public void UseDevelopmentStorage_PointsAtAzuriteDefaults()
    {
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), StorageClients.CreateQueueServiceClient("UseDevelopmentStorage=true").Uri);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), StorageClients.CreateTableServiceClient("UseDevelopmentStorage=true").Uri);
    }

    [Fact]
    public void AccountAndSuffix_BuildProductionEndpoints()
    {
        var cs = $"DefaultEndpointsProtocol=https;AccountName=releasebot;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn";

        Assert.Equal("releasebot.queue.core.chinacloudapi.cn", StorageClients.CreateQueueServiceClient(cs).Uri.Host);
        Assert.Equal("releasebot.table.core.chinacloudapi.cn", StorageClients.CreateTableServiceClient(cs).Uri.Host);
    }

    [Theory]
    [InlineData("AccountKey=" + Key)]
    [InlineData("AccountName=a;AccountKey=" + Key + ";QueueEndpoint=not a url;TableEndpoint=not a url")]
    [InlineData("  ")]
    public void Malformed_SaysHowToFixWithoutEchoingTheKey(string connectionString)
    {
        foreach (var create in new Action[]
                 {
                     () => StorageClients.CreateQueueServiceClient(connectionString),
                     () => StorageClients.CreateTableServiceClient(connectionString),
                 })
        {
            var e = Assert.Throws<FormatException>(create);
            Assert.Contains("UseDevelopmentStorage=true", e.Message);
            Assert.DoesNotContain(Key, e.Message);
        }
    }
}

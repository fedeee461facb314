using Bot.Adapters.Storage;

namespace Bot.Adapters.Tests.Storage;

public sealed class StorageConnectionStringTests
{
    private const string Key = "c2VjcmV0LWtleS1ieXRlcy0wMTIzNDU2Nzg5YWJjZGVm";

    [Fact]
    public void Parse_UseDevelopmentStorage_PointsAtAzuriteDefaults()
    {
        var cs = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", cs.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), cs.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), cs.TableEndpoint);
    }

    [Fact]
    public void Parse_AccountAndSuffix_BuildsProductionEndpoints()
    {
        var cs = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=releasebot;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal("releasebot", cs.AccountName);
        Assert.Equal(new Uri("https://releasebot.queue.core.chinacloudapi.cn"), cs.QueueEndpoint);
        Assert.Equal(new Uri("https://releasebot.table.core.chinacloudapi.cn"), cs.TableEndpoint);
    }

    [Fact]
    public void Parse_NoSuffixOrProtocol_DefaultsToHttpsCoreWindowsNet()
    {
        var cs = StorageConnectionString.Parse($"AccountName=releasebot;AccountKey={Key}");
        Assert.Equal(new Uri("https://releasebot.queue.core.windows.net"), cs.QueueEndpoint);
    }

    [Fact]
    public void Parse_ExplicitEndpoints_WinAndLoseTrailingSlash()
    {
        var cs = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};QueueEndpoint=http://127.0.0.1:4711/devstoreaccount1/;TableEndpoint=http://127.0.0.1:4712/devstoreaccount1;BlobEndpoint=http://x");

        Assert.Equal("http://127.0.0.1:4711/devstoreaccount1", cs.QueueEndpoint.ToString());
        Assert.Equal("http://127.0.0.1:4712/devstoreaccount1", cs.TableEndpoint.ToString());
    }

    [Fact]
    public void Parse_KeysAreCaseInsensitive_AndEmptySegmentsIgnored()
    {
        var cs = StorageConnectionString.Parse($" accountname=acct ;ACCOUNTKEY={Key};;");
        Assert.Equal("acct", cs.AccountName);
    }

    [Fact]
    public void ToConnectionString_RoundTrips()
    {
        var cs = StorageConnectionString.Parse($"AccountName=acct;AccountKey={Key};QueueEndpoint=http://h:1/acct;TableEndpoint=http://h:2/acct");
        var again = StorageConnectionString.Parse(cs.ToConnectionString());
        Assert.Equal((cs.AccountName, cs.QueueEndpoint, cs.TableEndpoint), (again.AccountName, again.QueueEndpoint, again.TableEndpoint));
    }

    [Fact]
    public void ToString_HidesKey()
    {
        var cs = StorageConnectionString.Parse($"AccountName=acct;AccountKey={Key}");
        Assert.DoesNotContain(Key, cs.ToString());
        Assert.Contains("AccountKey=***", cs.ToString());
    }

    [Theory]
    [InlineData("AccountKey=" + Key, "'AccountName' is missing")]
    [InlineData("AccountName=a", "'AccountKey' is missing")]
    [InlineData("AccountName=a;AccountKey=", "'AccountKey' is missing")]
    [InlineData("AccountName=a;AccountKey=not*base64!", "'AccountKey' is not valid Base64")]
    [InlineData("AccountName=a;AccountKey=" + Key + ";Acountname=b", "'Acountname' is unknown")]
    [InlineData("AccountName=a;AccountName=b;AccountKey=" + Key, "'AccountName' appears twice")]
    [InlineData("AccountName=a;AccountKey=" + Key + ";DefaultEndpointsProtocol=ftp", "'DefaultEndpointsProtocol' must be")]
    [InlineData("AccountName=a;AccountKey=" + Key + ";QueueEndpoint=not a url", "'QueueEndpoint' must be an absolute")]
    [InlineData("UseDevelopmentStorage=false", "'UseDevelopmentStorage' must be 'true'")]
    [InlineData("UseDevelopmentStorage=true;AccountName=a", "'AccountName' cannot be combined")]
    [InlineData("AccountName=a;SharedAccessSignature=sv=1&sig=" + Key, "'SharedAccessSignature' is not supported")]
    [InlineData("AccountName=a;" + Key, "segment 2 is not 'Key=Value'")]
    [InlineData("  ", "is empty")]
    public void Parse_Invalid_NamesTheKeyWithoutEchoingSecrets(string input, string expected)
    {
        var e = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(input));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain(Key, e.Message);
        Assert.DoesNotContain("not*base64", e.Message);
    }
}

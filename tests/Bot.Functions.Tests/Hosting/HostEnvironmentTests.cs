using Bot.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Bot.Functions.Tests.Hosting;

public sealed class HostEnvironmentTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Detect_WorkerHostEndpointSet_IsFunctionsMode()
    {
        var env = HostEnvironment.Detect(Config((HostEnvironment.HostEndpointKey, "http://127.0.0.1:40123")));
        Assert.Equal(HostMode.Functions, env.Mode);
    }

    [Fact]
    public void Detect_NothingSet_IsStandaloneOn7071()
    {
        var env = HostEnvironment.Detect(Config());
        Assert.Equal(HostMode.Standalone, env.Mode);
        Assert.Equal(7071, env.Port);
    }

    [Fact]
    public void Detect_OldCustomHandlerPort_IsStandaloneNow()
    {
        var env = HostEnvironment.Detect(Config(("FUNCTIONS_CUSTOMHANDLER_PORT", "40123")));
        Assert.Equal(HostMode.Standalone, env.Mode);
    }

    [Fact]
    public void Detect_BadPort_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => HostEnvironment.Detect(Config(("Bot:Port", "http"))));
        Assert.Contains("Bot:Port", ex.Message, StringComparison.Ordinal);
    }
}

using Bot.Adapters.Config;
using Bot.Functions.Releases;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.Releases;

/// <summary>The central config folder is parsed again only when it changed (every command asks for it, and a YAML parse of
/// every file per command was on the approve path), and an edit still applies to the next command.</summary>
public sealed class ConfigFolderReleaseConfigsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bot-configs-").FullName;

    private static string Config(string service, int weight) => $"""
        service: {service}
        namespace: shop
        route:
          virtualService: {service}
          name: primary
          destinationRule: {service}
        deployments:
          canary: {service}-canary
          stable: {service}
          image: registry.example.com/{service}:{"{version}"}
        steps:
          - setWeight: {weight}
          - approval: {"{}"}
          - promote: {"{}"}
        """;

    private ConfigFolderReleaseConfigs Folder() => new(
        Options.Create(new ReleaseConfigOptions { Directory = _dir }), new Host(_dir), NullLogger<ConfigFolderReleaseConfigs>.Instance);

    [Fact]
    public async Task UnchangedFolder_IsNotParsedAgain()
    {
        File.WriteAllText(Path.Combine(_dir, "checkout.yaml"), Config("checkout", 10));
        var configs = Folder();

        var first = await configs.FindAsync("checkout", default);
        var second = await configs.FindAsync("checkout", default);

        Assert.NotNull(first);
        Assert.Same(first, second);
    }

    [Fact]
    public async Task EditOfTheSameLength_AddedFile_AndDeletedFile_ApplyToTheNextCall()
    {
        var file = Path.Combine(_dir, "checkout.yaml");
        File.WriteAllText(file, Config("checkout", 10));
        var configs = Folder();
        Assert.Equal(10, Weight(await configs.FindAsync("checkout", default)));

        // Same length, written at once: a size-and-timestamp check could miss it.
        File.WriteAllText(file, Config("checkout", 20));
        Assert.Equal(20, Weight(await configs.FindAsync("checkout", default)));

        File.WriteAllText(Path.Combine(_dir, "cart.yaml"), Config("cart", 30));
        Assert.Equal(["cart", "checkout"], (await configs.ListAsync(default)).Select(c => c.Service).Order(StringComparer.Ordinal));

        File.Delete(file);
        Assert.Null(await configs.FindAsync("checkout", default));
    }

    private static int Weight(Bot.Core.Config.ReleaseConfig? config)
    {
        Assert.NotNull(config);
        return Assert.IsType<Bot.Core.Config.SetWeightStep>(config.Steps[0]).Weight;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Host(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Production";
        public string ApplicationName { get; set; } = "Bot.Functions.Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}

using Bot.Functions.Hosting;
using Bot.Functions.Standalone;
using Bot.Functions.Tests.Support;
using Bot.TestKit.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Tests.Hosting;

/// <summary>The Azure path, as far as it runs without the Functions host: the isolated worker's builder (what Program.cs
/// builds when the host starts the worker) composes with the one AddReleaseBot, every function class of functions.metadata
/// can be made from its services, and nothing of the standalone host is in it.</summary>
[Collection(AzuriteFixture.Collection)]
public sealed class WorkerHostTests(AzuriteFixture azurite)
{
    /// <summary>What the Functions host passes a dotnet-isolated worker (endpoint, ids, message size), and the app settings. The
    /// worker maps the host's <c>--functions-*</c> switches of the process's own command line to <c>Functions:Worker:*</c>; a test
    /// process has other switches, so the mapped keys are given too.</summary>
    private static string[] WorkerArgs(TestAppRoot root, string connectionString) =>
    [
        "--functions-uri", "http://127.0.0.1:65001/", "--functions-worker-id", "worker-test", "--functions-request-id", "request-test",
        "--functions-grpc-max-message-length", "2147483647",
        $"--{HostEnvironment.HostEndpointKey}=http://127.0.0.1:65001/", "--Functions:Worker:WorkerId=worker-test",
        "--Functions:Worker:RequestId=request-test", "--Functions:Worker:GrpcMaxMessageLength=2147483647",
        .. root.Settings(connectionString, runTriggers: true).Select(kv => $"--{kv.Key}={kv.Value}"),
    ];

    [Fact]
    public async Task WorkerBuilder_Composes_AndEveryFunctionClassResolves()
    {
        using var root = new TestAppRoot();
        var args = WorkerArgs(root, azurite.ConnectionString);
        Assert.True(HostEnvironment.IsFunctionsHost(new ConfigurationBuilder().AddCommandLine(args).Build()));

        using var host = HostingExtensions.CreateWorkerBuilder(args).Build();
        var services = host.Services;
        Assert.Equal(HostMode.Functions, services.GetRequiredService<HostEnvironment>().Mode);
        // Every option that validates at start-up is valid with these settings.
        services.GetService<IStartupValidator>()?.Validate();
        // The host owns queues and timers: no in-process listeners.
        Assert.DoesNotContain(services.GetServices<IHostedService>(), s => s is StandaloneTriggers);

        var catalog = services.GetRequiredService<FunctionCatalog>();
        Assert.NotEmpty(catalog.Functions);
        await using var scope = services.CreateAsyncScope();
        foreach (var f in catalog.Functions)
        {
            var typeName = f.EntryPoint[..f.EntryPoint.LastIndexOf('.')];
            var type = typeof(Program).Assembly.GetType(typeName, throwOnError: true)!;
            // As the worker's DefaultFunctionActivator makes it: ActivatorUtilities on the invocation's services.
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }
    }

    /// <summary>A new user's first run (<c>scripts/run.sh</c> copies the sample to local.settings.json): every value the sample
    /// ships, empty ones included, passes start-up validation; only storage and the files it names point at this test's own.</summary>
    [Fact]
    public void SampleLocalSettings_PassStartUpValidation()
    {
        using var root = new TestAppRoot();
        var sample = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Bot.TestKit.RepoPaths.Root, "local.settings.sample.json")))!["Values"]!.AsObject();
        var settings = sample.ToDictionary(p => p.Key.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value?.ToString());
        Assert.Equal("", settings["CommandApi:Keys:0:Identity"]); // the case that once stopped the first run
        foreach (var (key, value) in root.Settings(azurite.ConnectionString, runTriggers: true).Where(kv => kv.Key is "Bot:AppRoot" or "ReleaseConfig:Directory"))
            settings[key] = value;
        settings["AzureWebJobsStorage"] = azurite.ConnectionString;
        settings["Traffic:RecordFile"] = Path.Combine(root.Root, "traffic.jsonl");
        string[] args =
        [
            $"--{HostEnvironment.HostEndpointKey}=http://127.0.0.1:65001/", "--Functions:Worker:WorkerId=worker-test",
            "--Functions:Worker:RequestId=request-test", "--Functions:Worker:GrpcMaxMessageLength=2147483647",
            .. settings.Select(kv => $"--{kv.Key}={kv.Value}"),
        ];

        using var host = HostingExtensions.CreateWorkerBuilder(args).Build();
        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var apiKey = Assert.Single(host.Services.GetRequiredService<IOptions<Bot.Functions.Api.CommandApiOptions>>().Value.Keys);
        Assert.Null(apiKey.Actor().Identity);
    }

    [Fact]
    public void StandaloneOrWorker_IsDecidedByWhatTheFunctionsHostPasses()
    {
        using var root = new TestAppRoot();
        Assert.False(HostEnvironment.IsFunctionsHost(new ConfigurationBuilder().AddCommandLine(["--Bot:Port=7071"]).Build()));
        Assert.True(HostEnvironment.IsFunctionsHost(new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(HostEnvironment.HostEndpointKey, (string?)"http://127.0.0.1:1")]).Build()));
        Assert.True(HostEnvironment.IsFunctionsHost(new ConfigurationBuilder().AddCommandLine(WorkerArgs(root, "UseDevelopmentStorage=true")).Build()));
    }
}

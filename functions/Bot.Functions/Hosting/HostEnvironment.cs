using System.Globalization;
using System.Reflection;

namespace Bot.Functions.Hosting;

/// <summary>The mode, port and version this process runs with, decided once at start-up.</summary>
public sealed record HostEnvironment(HostMode Mode, int Port, string Version)
{
    /// <summary>What the Functions host sets when it starts the worker (its gRPC endpoint; also passed as
    /// <c>--functions-uri</c>, which the worker maps to this key).</summary>
    public const string HostEndpointKey = "Functions:Worker:HostEndpoint";

    /// <summary>Functions mode when the Functions host started this process (<see cref="HostEndpointKey"/> is set); else
    /// standalone on <c>Bot:Port</c> (default 7071, 0 picks a free one).</summary>
    public static HostEnvironment Detect(IConfiguration config)
    {
        var version = typeof(HostEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0 && version.Length > plus + 8) version = version[..(plus + 8)];
        if (IsFunctionsHost(config)) return new HostEnvironment(HostMode.Functions, 0, version);
        var configured = config[$"{BotHostOptions.Section}:Port"];
        var standalonePort = 7071;
        if (configured is not null && (!int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out standalonePort) || standalonePort is < 0 or > 65535))
            throw new InvalidOperationException($"Bot:Port '{configured}' is not a TCP port (0 picks a free one)");
        return new HostEnvironment(HostMode.Standalone, standalonePort, version);
    }

    /// <summary>True when the Functions host runs this process as its isolated worker.
    /// The worker reads its host's endpoint from <c>functions-uri</c> (<c>--functions-uri</c> on the command line), older hosts
    /// pass <c>--host</c>/<c>--port</c>/<c>--workerId</c>, and the native host (FunctionsNetHost) loads it in-process.</summary>
    public static bool IsFunctionsHost(IConfiguration config) =>
        !string.IsNullOrWhiteSpace(config[HostEndpointKey]) || !string.IsNullOrWhiteSpace(config["functions-uri"])
        || !string.IsNullOrWhiteSpace(config["functions-worker-id"]) || !string.IsNullOrWhiteSpace(config["workerId"])
        || AppContext.GetData("AZURE_FUNCTIONS_NATIVE_HOST") is not null;
}

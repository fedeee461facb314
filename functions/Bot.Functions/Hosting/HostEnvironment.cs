using System.Globalization;
using System.Reflection;

namespace Bot.Functions.Hosting;

/// <summary>The mode, port and version this process runs with, decided once at start-up.</summary>
public sealed record HostEnvironment(HostMode Mode, int Port, string Version)
{
    /// <summary>Functions mode when <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (or the legacy <c>FUNCTIONS_HTTPWORKER_PORT</c>) is set.</summary>
    public static HostEnvironment Detect(IConfiguration config)
    {
        var raw = config["FUNCTIONS_CUSTOMHANDLER_PORT"] ?? config["FUNCTIONS_HTTPWORKER_PORT"];
        var version = typeof(HostEnvironment).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0 && version.Length > plus + 8) version = version[..(plus + 8)];
        if (!string.IsNullOrWhiteSpace(raw))
        {
            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw new InvalidOperationException($"FUNCTIONS_CUSTOMHANDLER_PORT '{raw}' is not a TCP port");
            return new HostEnvironment(HostMode.Functions, port, version);
        }
        var configured = config[$"{BotHostOptions.Section}:Port"];
        var standalonePort = 7071;
        if (configured is not null && (!int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out standalonePort) || standalonePort is < 0 or > 65535))
            throw new InvalidOperationException($"Bot:Port '{configured}' is not a TCP port (0 picks a free one)");
        return new HostEnvironment(HostMode.Standalone, standalonePort, version);
    }
}

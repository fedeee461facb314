using System.ComponentModel.DataAnnotations;

namespace Bot.Functions.Hosting;

/// <summary>Where and how the app listens. Section <c>Bot</c>.</summary>
public sealed class BotHostOptions
{
    public const string Section = "Bot";

    /// <summary>Standalone port on 127.0.0.1 (0 picks a free one). Not used under the Functions host, which owns HTTP.
    /// The default value is 7071.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 7071;

    /// <summary>Folder holding host.json and functions.metadata. Default: the app's own folder (the build or publish
    /// output, where both are written).</summary>
    public string? AppRoot { get; set; }

    /// <summary>Standalone only: run the queue listener and timers in-process. The default value is true.</summary>
    public bool RunTriggers { get; set; } = true;
}

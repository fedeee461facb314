namespace Bot.Functions.Hosting;

/// <summary><c>extensions.queues</c> of host.json, with the Storage Queues extension's defaults. The standalone
/// listener honours these; under the Functions host the host does.</summary>
public sealed record QueueHostOptions
{
    /// <summary>Messages fetched per poll, 1-32. The default value is 16.</summary>
    public int BatchSize { get; init; } = 16;
    /// <summary>Longest wait between polls of an empty queue. The default value is 1 minute.</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Delay before a failed message is visible again. The default value is 0.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;
    /// <summary>Attempts before a message moves to <c>&lt;queue&gt;-poison</c>. The default value is 5.</summary>
    public int MaxDequeueCount { get; init; } = 5;
    /// <summary><c>base64</c> (the default) or <c>none</c>.</summary>
    public string MessageEncoding { get; init; } = "base64";
}

namespace Bot.Functions.Hosting;

/// <summary>How the app was started.</summary>
public enum HostMode
{
    /// <summary>As the isolated worker of the Azure Functions host (<see cref="HostEnvironment.HostEndpointKey"/> set): the host
    /// owns HTTP, queues and timers and invokes the functions.</summary>
    Functions,
    /// <summary>On its own: the app serves the functions of functions.metadata under /api and runs their queues and timers itself.</summary>
    Standalone,
}

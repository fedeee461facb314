namespace Bot.Functions.Hosting;

/// <summary>How the app was started.</summary>
public enum HostMode
{
    /// <summary>Under the Azure Functions host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set): the host owns triggers.</summary>
    Functions,
    /// <summary>On its own: the app listens under /api and runs the queue listener and timers itself.</summary>
    Standalone,
}

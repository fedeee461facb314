namespace Bot.Adapters.Storage;

/// <summary>The HttpClient storage services share.</summary>
public static class StorageHttpClient
{
    /// <summary>A client whose pooled connections are dropped after 4 s idle (Azurite closes them after 5 s, so a reused
    /// connection is never one the server is closing) and renewed every 5 minutes (DNS changes). Per-attempt
    /// timeouts come from the resilience pipeline.</summary>
    public static HttpClient Create() => new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    });
}

using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace Bot.Adapters.Storage;

/// <summary>
/// Builds the SDK clients every store uses, from one connection string (<c>UseDevelopmentStorage=true</c>, account name and
/// key, or explicit endpoints; the SDK parses it). Transient failures (no answer, 408, 429, 5xx) are retried by the SDK
/// pipeline as <see cref="StorageRetryOptions"/> say, honouring <c>Retry-After</c>.
/// </summary>
public static class StorageClients
{
    /// <summary>Pooled connections are dropped after 4 s idle (Azurite closes them after 5 s, so a reused connection is
    /// never one the server is closing) and renewed every 5 minutes (DNS changes). One per process.</summary>
    private static readonly Lazy<HttpClientTransport> SharedTransport = new(() => new HttpClientTransport(new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(4),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })));

    /// <param name="retry">Null = the defaults of <see cref="StorageRetryOptions"/>.</param>
    /// <param name="transport">Null = the shared HTTP transport; tests pass a stub.</param>
    /// <exception cref="FormatException">The connection string is empty or malformed (the message never echoes it).</exception>
    public static QueueServiceClient CreateQueueServiceClient(string connectionString, StorageRetryOptions? retry = null, HttpPipelineTransport? transport = null)
    {
        // The bot encodes message text itself (see AzureQueueService).
        var options = Configure(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }, retry, transport);
        return Parse(() => new QueueServiceClient(connectionString, options));
    }

    /// <inheritdoc cref="CreateQueueServiceClient"/>
    public static TableServiceClient CreateTableServiceClient(string connectionString, StorageRetryOptions? retry = null, HttpPipelineTransport? transport = null)
    {
        var options = Configure(new TableClientOptions(), retry, transport);
        return Parse(() => new TableServiceClient(connectionString, options));
    }

    private static T Configure<T>(T options, StorageRetryOptions? retry, HttpPipelineTransport? transport) where T : ClientOptions
    {
        retry ??= new StorageRetryOptions();
        options.Transport = transport ?? SharedTransport.Value;
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = retry.MaxRetryAttempts;
        options.Retry.Delay = retry.BaseDelay;
        options.Retry.MaxDelay = retry.MaxDelay;
        options.Retry.NetworkTimeout = retry.AttemptTimeout;
        return options;
    }

    private static T Parse<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's messages name the missing or malformed part without the key.
            throw new FormatException(
                $"the storage connection string is not usable ({e.Message}): use 'UseDevelopmentStorage=true' for Azurite, or " +
                "'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net'", e);
        }
    }
}

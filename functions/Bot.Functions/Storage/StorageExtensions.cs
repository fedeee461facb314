using Bot.Adapters.Storage;

namespace Bot.Functions.Storage;

public static class StorageExtensions
{
    /// <summary>The setting holding the storage connection string, as in Azure Functions.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Queue and Table clients over <c>AzureWebJobsStorage</c> (fails start-up with the parser's message when
    /// the connection string is missing or malformed), plus the table-backed state, audit and dedup stores and the
    /// queue-backed step scheduler.</summary>
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        var raw = builder.Configuration[ConnectionSetting];
        StorageConnectionString account;
        try
        {
            account = StorageConnectionString.Parse(raw ?? "");
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{ConnectionSetting}: {ex.Message}", ex);
        }
        builder.Services.AddSingleton(account);
        builder.Services.AddHttpClient("storage").ConfigurePrimaryHttpMessageHandler(() =>
            new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) });
        builder.Services.AddSingleton<IQueueService>(sp => new AzureQueueService(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("storage"), account, time: sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ITableService>(sp => new AzureTableService(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("storage"), account, time: sp.GetRequiredService<TimeProvider>()));
        return builder;
    }
}

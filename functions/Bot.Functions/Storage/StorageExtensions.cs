using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Steps;

namespace Bot.Functions.Storage;

public static class StorageExtensions
{
    /// <summary>The setting holding the storage connection string, as in Azure Functions.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>Queue and Table clients over <c>AzureWebJobsStorage</c> (start-up fails with the parser's message when
    /// it is missing or malformed), the table-backed rollout store, audit log and delivery dedup, and the step
    /// scheduler on the queue named by <c>RolloutSteps/function.json</c>.</summary>
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        StorageConnectionString account;
        try
        {
            account = StorageConnectionString.Parse(builder.Configuration[ConnectionSetting] ?? "");
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{ConnectionSetting}: {ex.Message}", ex);
        }
        var services = builder.Services;
        services.AddSingleton(account);
        services.AddHttpClient("storage").ConfigurePrimaryHttpMessageHandler(() =>
            new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2) });
        services.AddSingleton(sp => new StorageOptions { StepQueue = sp.GetRequiredService<FunctionCatalog>().QueueOf(RolloutStepsFunction.Name) });
        services.AddSingleton<IQueueService>(sp => new AzureQueueService(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("storage"), account, time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITableService>(sp => new AzureTableService(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("storage"), account, time: sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRolloutStore>(sp => new TableRolloutStore(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<StorageOptions>()));
        services.AddSingleton<IAuditLog>(sp => new TableAuditLog(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<StorageOptions>()));
        services.AddSingleton<IDeliveryDedup>(sp => new TableDeliveryDedup(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StorageOptions>()));
        services.AddSingleton<IStepScheduler>(sp => new QueueStepScheduler(sp.GetRequiredService<IQueueService>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StorageOptions>()));
        return builder;
    }
}

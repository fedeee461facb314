using Bot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Bot.Adapters.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The setting that holds the connection string (the Azure Functions convention).</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>
    /// Registers <see cref="IQueueService"/>, <see cref="ITableService"/> and the stores (<see cref="IRolloutStore"/>,
    /// <see cref="IAuditLog"/>, <see cref="IDeliveryDedup"/>, <see cref="IStepScheduler"/>) as singletons. The connection
    /// string comes from <c>AzureWebJobsStorage</c>, table and queue names from the <c>Storage</c> section
    /// (<see cref="StorageOptions"/>). The connection string is parsed when first resolved; a bad one fails with the key at fault.
    /// </summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions());
        services.TryAddSingleton(_ =>
        {
            var value = configuration[ConnectionSetting];
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException($"Setting '{ConnectionSetting}' is missing: set it to 'UseDevelopmentStorage=true' for Azurite or to the storage account's connection string.");
            try
            {
                return StorageConnectionString.Parse(value);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException($"Setting '{ConnectionSetting}': {e.Message}", e);
            }
        });
        services.TryAddSingleton(sp => new StorageHttpClientHolder(StorageHttpClient.Create()));
        services.TryAddSingleton<IQueueService>(sp => new AzureQueueService(
            sp.GetRequiredService<StorageHttpClientHolder>().Http, sp.GetRequiredService<StorageConnectionString>(), time: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ITableService>(sp => new AzureTableService(
            sp.GetRequiredService<StorageHttpClientHolder>().Http, sp.GetRequiredService<StorageConnectionString>(), time: sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IRolloutStore>(sp => new TableRolloutStore(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<StorageOptions>()));
        services.TryAddSingleton<IAuditLog>(sp => new TableAuditLog(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<StorageOptions>()));
        services.TryAddSingleton<IDeliveryDedup>(sp => new TableDeliveryDedup(
            sp.GetRequiredService<ITableService>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StorageOptions>()));
        services.TryAddSingleton<IStepScheduler>(sp => new QueueStepScheduler(
            sp.GetRequiredService<IQueueService>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<StorageOptions>()));
        return services;
    }

    /// <summary>Owns the storage HttpClient so the container disposes it, without claiming the app-wide HttpClient type.</summary>
    private sealed class StorageHttpClientHolder(HttpClient http) : IDisposable
    {
        public HttpClient Http { get; } = http;
        public void Dispose() => Http.Dispose();
    }
}

using Bot.Adapters.Scheduling;
using Bot.Adapters.Storage;
using Bot.Core.Calendar;
using Bot.Core.Ports;
using Bot.Functions.Hosting;
using Bot.Functions.Steps;
using Bot.Functions.Sweep;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Storage;

public static class StorageExtensions
{
    /// <summary>The setting holding the storage connection string, as in Azure Functions.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>The section of the table names (<c>Storage__RolloutsTable</c>, ...).</summary>
    public const string Section = "Storage";

    /// <summary>The SDK's queue and table clients over <c>AzureWebJobsStorage</c> (start-up fails naming the setting when
    /// it is missing or malformed), and the table-backed rollout store (with the due index the sweep reads) and audit log on
    /// the tables <c>Storage__*</c> names. Queues belong to their features (<c>rollout-steps</c>: <c>AddRolloutCore</c>).</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration[ConnectionSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                $"{ConnectionSetting} is not set: set it to 'UseDevelopmentStorage=true' for Azurite, or to the storage account's connection string.");
        var services = builder.Services;
        try
        {
            // Built here so a malformed string fails start-up; no request is sent until first use.
            services.AddSingleton<IQueueService>(new AzureQueueService(StorageClients.CreateQueueServiceClient(connectionString)));
            services.AddSingleton<ITableService>(new AzureTableService(StorageClients.CreateTableServiceClient(connectionString)));
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{ConnectionSetting}: {ex.Message}", ex);
        }
        var configured = ReadOptions(builder.Configuration);
        services.AddSingleton(configured);
        services.AddSingleton(sp => new TableRolloutStore(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<StorageOptions>()));
        services.AddSingleton<IDueIndex>(sp => new TableDueIndex(sp.GetRequiredService<ITableService>()));
        // The rollout store everyone resolves: the table store with the sweep's due index following every commit.
        services.AddSingleton<IRolloutStore>(sp => new DueIndexingRolloutStore(sp.GetRequiredService<TableRolloutStore>(),
            sp.GetRequiredService<IDueIndex>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SweepOptions>>()));
        services.AddSingleton<IAuditLog>(sp => new TableAuditLog(sp.GetRequiredService<ITableService>(), sp.GetRequiredService<StorageOptions>()));
        return builder;
    }

    /// <summary>The table names from <c>Storage__*</c>, defaults where unset. Throws naming the setting when a name is not a
    /// valid table name, or when <c>Storage__StepQueue</c> is set (the step queue is the <c>RolloutSteps</c> trigger's).</summary>
    public static StorageOptions ReadOptions(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (section["StepQueue"] is not null)
            throw new InvalidOperationException(
                $"{Section}__StepQueue is not a setting: steps go to the queue the RolloutSteps function listens on " +
                "(its queueName); remove the setting.");
        var defaults = new StorageOptions();
        return new StorageOptions
        {
            RolloutsTable = TableName(section, nameof(StorageOptions.RolloutsTable), defaults.RolloutsTable),
            AuditTable = TableName(section, nameof(StorageOptions.AuditTable), defaults.AuditTable),
        };
    }

    private static string TableName(IConfigurationSection section, string key, string fallback)
    {
        var value = section[key];
        if (string.IsNullOrEmpty(value)) return fallback;
        return value.Length is >= 3 and <= 63 && char.IsAsciiLetter(value[0]) && value.All(char.IsAsciiLetterOrDigit)
            ? value
            : throw new InvalidOperationException(
                $"{Section}__{key} '{value}' is not a table name: use 3-63 letters and digits, starting with a letter.");
    }
}

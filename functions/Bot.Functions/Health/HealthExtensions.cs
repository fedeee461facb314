namespace Bot.Functions.Health;

public static class HealthExtensions
{
    /// <summary>Health checks for /api/health; storage is always checked. Others add theirs with
    /// <c>builder.Services.AddHealthChecks().AddCheck&lt;T&gt;("name")</c>.</summary>
    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        return builder;
    }
}

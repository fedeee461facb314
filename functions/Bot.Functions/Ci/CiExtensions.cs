namespace Bot.Functions.Ci;

public static class CiExtensions
{
    /// <summary>CI webhooks (<c>Ci</c> section): the signature tolerance and the dedup window of CI build ids. Order-free.</summary>
    public static IHostApplicationBuilder AddCi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CiOptions>().BindConfiguration(CiOptions.Section)
            .Validate(o => o.SignatureTolerance > TimeSpan.Zero && o.SignatureTolerance <= TimeSpan.FromHours(1), "Ci:SignatureTolerance must be between 00:00:01 and 01:00:00")
            .Validate(o => o.DedupWindow >= TimeSpan.FromMinutes(10), "Ci:DedupWindow must be at least 00:10:00 (CI systems redeliver for hours)")
            .ValidateOnStart();
        return builder;
    }
}

namespace Bot.Adapters.Storage;

/// <summary>How the SDK clients (<see cref="StorageClients"/>) retry transient failures (no answer, timeouts, 5xx, 408, 429).
/// Other 4xx never retry.</summary>
public sealed record StorageRetryOptions
{
    /// <summary>Retries after the first attempt. The default value is 4.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Base of the jittered exponential backoff. The default value is 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one backoff delay. The default value is 5 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time limit of one attempt; a timed-out attempt is retried. The default value is 30 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

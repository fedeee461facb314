using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>Remembers delivery ids (X-GitHub-Delivery, Slack action_ts, CI ids) so a redelivery never acts twice.</summary>
public interface IDeliveryDedup
{
    /// <summary>True the first time <paramref name="id"/> is seen for <paramref name="source"/> within <paramref name="ttl"/>.</summary>
    Task<bool> TryClaimAsync(string source, string id, TimeSpan ttl, CancellationToken ct);

    /// <summary>Deletes up to <paramref name="max"/> records whose time-to-live has passed; returns how many. Stores
    /// that expire records by themselves keep the default, which does nothing.</summary>
    Task<int> PurgeExpiredAsync(int max, CancellationToken ct) => Task.FromResult(0);

    /// <summary>Gives a claim back when the work it guarded could not be accepted (the queue put failed), so the
    /// sender's retry is processed instead of being dropped as a duplicate.</summary>
    Task ReleaseAsync(string source, string id, CancellationToken ct) => Task.CompletedTask;
}

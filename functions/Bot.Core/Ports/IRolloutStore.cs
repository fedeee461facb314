using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>A stored value with the ETag to pass back when updating it.</summary>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>Lost an optimistic-concurrency race: re-read and re-decide.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);

/// <summary>Durable state of every service, guarded by ETags.</summary>
public interface IRolloutStore
{
    Task<Versioned<ServiceState>?> GetAsync(string service, CancellationToken ct);

    /// <summary>Creates (etag null) or conditionally replaces the service state. Throws <see cref="ConcurrencyConflictException"/> when the ETag is stale or the row already exists.</summary>
    Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct);

    /// <summary>Keeps a finished (or any) rollout for history and lookup by id. Idempotent.</summary>
    Task ArchiveAsync(RolloutState rollout, CancellationToken ct);

    Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct);

    /// <summary>The service's rollouts, newest first.</summary>
    Task<IReadOnlyList<RolloutState>> ListAsync(string service, int max, CancellationToken ct);
}

public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken ct);
    Task<IReadOnlyList<AuditEntry>> ListAsync(string service, string? rolloutId, CancellationToken ct);
}

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

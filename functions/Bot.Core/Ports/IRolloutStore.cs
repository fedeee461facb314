using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

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

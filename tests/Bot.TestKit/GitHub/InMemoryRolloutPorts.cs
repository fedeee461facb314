using System.Collections.Concurrent;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.TestKit.GitHub;

/// <summary>In-memory state store with ETags, audit log, delivery dedup and step scheduler, for GitHub wiring tests
/// that do not need Azurite.</summary>
public sealed class InMemoryRolloutPorts : IRolloutStore, IAuditLog, IDeliveryDedup, IStepScheduler
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (ServiceState State, string ETag)> _states = [];
    private readonly Dictionary<string, RolloutState> _archive = [];
    private int _etag;

    public ConcurrentQueue<AuditEntry> Audit { get; } = new();
    public ConcurrentQueue<(StepMessage Message, DateTimeOffset At)> Scheduled { get; } = new();
    public ConcurrentDictionary<string, bool> Claimed { get; } = new();

    public Task<Versioned<ServiceState>?> GetAsync(string service, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_states.TryGetValue(service, out var s) ? new Versioned<ServiceState>(s.State, s.ETag) : null);
    }

    public Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct)
    {
        lock (_gate)
        {
            var exists = _states.TryGetValue(state.Service, out var current);
            if (etag is null ? exists : !exists || current.ETag != etag)
                throw new ConcurrencyConflictException($"{state.Service}: stale etag");
            var next = $"W/\"{++_etag}\"";
            _states[state.Service] = (state, next);
            return Task.FromResult(next);
        }
    }

    public Task ArchiveAsync(RolloutState rollout, CancellationToken ct)
    {
        lock (_gate) _archive[rollout.Id] = rollout;
        return Task.CompletedTask;
    }

    public Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_archive.GetValueOrDefault(rolloutId));
    }

    public Task<IReadOnlyList<RolloutState>> ListAsync(string service, int max, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<RolloutState>>(_archive.Values.Where(r => r.Service == service).OrderByDescending(r => r.CreatedAt).Take(max).ToList());
    }

    public Task AppendAsync(AuditEntry entry, CancellationToken ct) { Audit.Enqueue(entry); return Task.CompletedTask; }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(string service, string? rolloutId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>(Audit.Where(a => a.Service == service && (rolloutId is null || a.RolloutId == rolloutId)).ToList());

    public Task<bool> TryClaimAsync(string source, string id, TimeSpan ttl, CancellationToken ct) => Task.FromResult(Claimed.TryAdd($"{source}/{id}", true));

    public Task ScheduleAsync(StepMessage message, DateTimeOffset at, CancellationToken ct) { Scheduled.Enqueue((message, at)); return Task.CompletedTask; }
}

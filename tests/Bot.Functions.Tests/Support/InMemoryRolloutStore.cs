using System.Collections.Concurrent;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Functions.Tests.Support;

/// <summary>An ETag-checking store for executor unit tests only (API and end-to-end tests use Azurite). States are
/// round-tripped through <see cref="StateJson"/> as the table store does, so what is not serialisable fails here too.</summary>
internal sealed class InMemoryRolloutStore : IRolloutStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Json, string ETag)> _rows = new();
    private readonly ConcurrentDictionary<string, RolloutState> _archive = new();
    private int _version;

    /// <summary>Runs before a save is checked; lets a test change the state under the executor.</summary>
    public Action<string>? BeforeSave { get; set; }

    /// <summary>Makes the next N saves fail as a crash would (after nothing was written).</summary>
    public int FailSaves { get; set; }

    public int Saves { get; private set; }

    public int Reads { get; private set; }

    public Task<Versioned<ServiceState>?> GetAsync(string service, CancellationToken ct)
    {
        lock (_gate)
        {
            Reads++;
            return Task.FromResult(_rows.TryGetValue(service, out var row)
                ? new Versioned<ServiceState>(StateJson.Deserialize<ServiceState>(row.Json), row.ETag) : null);
        }
    }

    public Task<string> SaveAsync(ServiceState state, string? etag, CancellationToken ct)
    {
        BeforeSave?.Invoke(state.Service);
        lock (_gate)
        {
            if (FailSaves > 0) { FailSaves--; throw new IOException("simulated crash before the write"); }
            var exists = _rows.TryGetValue(state.Service, out var row);
            if (etag is null ? exists : !exists || row.ETag != etag)
                throw new ConcurrencyConflictException($"{state.Service}: stale etag");
            var next = $"\"{++_version}\"";
            _rows[state.Service] = (StateJson.Serialize(state), next);
            Saves++;
            return Task.FromResult(next);
        }
    }

    /// <summary>Writes as another process would.</summary>
    public void Overwrite(ServiceState state)
    {
        lock (_gate) _rows[state.Service] = (StateJson.Serialize(state), $"\"{++_version}\"");
    }

    public Task ArchiveAsync(RolloutState rollout, CancellationToken ct)
    {
        _archive[rollout.Id] = StateJson.Deserialize<RolloutState>(StateJson.Serialize(rollout));
        return Task.CompletedTask;
    }

    public Task<RolloutState?> FindAsync(string rolloutId, CancellationToken ct) => Task.FromResult(_archive.GetValueOrDefault(rolloutId));

    public Task<IReadOnlyList<RolloutState>> ListAsync(string service, int max, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<RolloutState>>([.. _archive.Values.Where(r => r.Service == service).OrderByDescending(r => r.CreatedAt).Take(max)]);
}

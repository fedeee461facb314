using System.Collections.Concurrent;
using Bot.Core.Ports;

namespace Bot.Adapters.Slack;

/// <summary>Process-local <see cref="IDeliveryDedup"/>, used when no durable one is registered.</summary>
public sealed class InMemoryDeliveryDedup(TimeProvider time) : IDeliveryDedup
{
    private readonly ConcurrentDictionary<(string, string), DateTimeOffset> _seen = new();

    public Task<bool> TryClaimAsync(string source, string id, TimeSpan ttl, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_seen.Count > 10_000)
            foreach (var (k, exp) in _seen) if (exp <= now) _seen.TryRemove(k, out _);
        var claimed = false;
        _seen.AddOrUpdate((source, id), _ => { claimed = true; return now + ttl; }, (_, exp) =>
        {
            if (exp > now) return exp;
            claimed = true;
            return now + ttl;
        });
        return Task.FromResult(claimed);
    }

    public Task ReleaseAsync(string source, string id, CancellationToken ct)
    {
        _seen.TryRemove((source, id), out _);
        return Task.CompletedTask;
    }
}

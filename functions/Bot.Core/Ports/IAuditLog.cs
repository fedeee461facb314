using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

public interface IAuditLog
{
    Task AppendAsync(AuditEntry entry, CancellationToken ct);
    Task<IReadOnlyList<AuditEntry>> ListAsync(string service, string? rolloutId, CancellationToken ct);
}

using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Functions.Tests.Support;

internal sealed class RecordingScheduler : IStepScheduler
{
    private readonly List<(StepMessage Message, DateTimeOffset At)> _scheduled = [];
    public IReadOnlyList<(StepMessage Message, DateTimeOffset At)> Scheduled { get { lock (_scheduled) return [.. _scheduled]; } }

    public Task ScheduleAsync(StepMessage message, DateTimeOffset at, CancellationToken ct)
    {
        lock (_scheduled) _scheduled.Add((message, at));
        return Task.CompletedTask;
    }
}

/// <summary>Like TableAuditLog, appending an equal entry twice (an effect re-applied) keeps one record.</summary>
internal sealed class RecordingAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];
    public IReadOnlyList<AuditEntry> Entries { get { lock (_entries) return [.. _entries]; } }

    public Task AppendAsync(AuditEntry entry, CancellationToken ct)
    {
        lock (_entries)
        {
            if (!_entries.Contains(entry)) _entries.Add(entry);
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> ListAsync(string service, string? rolloutId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([.. Entries.Where(e => e.Service == service && (rolloutId is null || e.RolloutId == rolloutId))]);
}

/// <summary>A router whose SetWeight throws what the test says, once.</summary>
internal sealed class FailingRouter(ITrafficRouter inner) : ITrafficRouter
{
    public Exception? NextSetWeightFailure { get; set; }
    public Task VerifyAsync(TrafficTarget target, CancellationToken ct) => inner.VerifyAsync(target, ct);
    public Task<TrafficWriteResult> SetWeightAsync(TrafficTarget target, int canaryWeight, TrafficFence? fence, CancellationToken ct)
    {
        if (NextSetWeightFailure is { } ex) { NextSetWeightFailure = null; throw ex; }
        return inner.SetWeightAsync(target, canaryWeight, fence, ct);
    }
    public Task<TrafficWriteResult> SetHeaderRouteAsync(TrafficTarget target, Bot.Core.Config.HeaderRouteStep? match, TrafficFence? fence, CancellationToken ct) => inner.SetHeaderRouteAsync(target, match, fence, ct);
    public Task<TrafficWriteResult> SetMirrorAsync(TrafficTarget target, double? percent, TrafficFence? fence, CancellationToken ct) => inner.SetMirrorAsync(target, percent, fence, ct);
    public Task<TrafficWriteResult> SetFaultAsync(TrafficTarget target, Bot.Core.Config.FaultStep? fault, TrafficFence? fence, CancellationToken ct) => inner.SetFaultAsync(target, fault, fence, ct);
    public Task<TrafficWriteResult> RollbackAsync(TrafficTarget target, TrafficFence? fence, CancellationToken ct) => inner.RollbackAsync(target, fence, ct);
}

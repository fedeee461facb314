using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Core.Execution;

/// <summary>A notifier that tells nobody and remembers every notice. Registered when no chat or GitHub notifier is.</summary>
public sealed class RecordingNotifier : INotifier
{
    private readonly object _gate = new();
    private readonly List<Notify> _notices = [];

    public IReadOnlyList<Notify> Notices { get { lock (_gate) return [.. _notices]; } }

    public Task PublishAsync(Notify notice, CancellationToken ct)
    {
        lock (_gate) _notices.Add(notice);
        return Task.CompletedTask;
    }
}

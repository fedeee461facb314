using Bot.Core.Calendar;
using Bot.Core.Ports;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Scheduling;

/// <summary>
/// Wraps the real <see cref="INotifier"/>: when a rollout starts waiting for approval, the first reminder is put in
/// the due index (<see cref="SweepOptions.ReminderInterval"/> later). The sweep sends it and indexes the next one.
/// </summary>
public sealed class ReminderIndexingNotifier(INotifier inner, IDueIndex index, SweepOptions options) : INotifier
{
    public async Task PublishAsync(Notify notice, CancellationToken ct)
    {
        if (notice.Kind == NoticeKind.WaitingApproval && options.ReminderInterval > TimeSpan.Zero && !notice.Snapshot.IsTerminal)
        {
            var r = notice.Snapshot;
            var since = r.StepStartedAt ?? r.UpdatedAt;
            await index.SetAsync(new DueItem(r.Service, r.Id, r.StepIndex, DueKind.Reminder, since + options.ReminderInterval), ct).ConfigureAwait(false);
        }
        await inner.PublishAsync(notice, ct).ConfigureAwait(false);
    }
}

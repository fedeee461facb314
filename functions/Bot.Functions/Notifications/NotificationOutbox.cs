using System.Text;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;

namespace Bot.Functions.Notifications;

/// <summary>
/// The notifier the executor gets: it only puts the notice on the bot's own <c>notifications</c> queue, one message per
/// configured target, so the per-service lock, a traffic change and a command's answer never wait for Slack or GitHub.
/// A failed put throws, like a failed audit write: the invocation is retried and the committed effects re-applied. A notice
/// too large for a queue message can never be put, so it is dropped with an error in the log instead: thrown, it would stay
/// pending and fail every later command of the service, rollback included. The next notice brings the message up to date.
/// </summary>
public sealed class NotificationOutbox(WorkQueue<NotificationWork> queue, IEnumerable<NotificationTarget> targets, TimeProvider time, ILogger<NotificationOutbox> log) : INotifier
{
    /// <summary>The largest notice a queue message carries: 64 KiB of Base64 is 48 KiB of UTF-8.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    private readonly string[] _targets = [.. targets.Select(t => t.Name).Distinct(StringComparer.Ordinal)];
    private long _lastStamp;

    /// <summary>The targets each notice goes to.</summary>
    public IReadOnlyList<string> Targets => _targets;

    public async Task PublishAsync(Notify notice, CancellationToken ct)
    {
        foreach (var target in _targets)
        {
            var json = new NotificationWork(target, NextStamp(), notice).ToJson();
            var size = Encoding.UTF8.GetByteCount(json);
            if (size > MaxMessageBytes)
            {
                log.LogError("{Rollout}: {Kind} notice for {Target} dropped: {Size} bytes is more than a queue message carries ({Max}); "
                    + "the next notice updates the message", notice.RolloutId, notice.Kind, target, size, MaxMessageBytes);
                continue;
            }
            await queue.EnqueueAsync(json, null, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Strictly increasing in this process, and near the enqueue time in ticks, so stamps of different
    /// instances compare roughly by when they were given.</summary>
    private long NextStamp()
    {
        while (true)
        {
            var last = Volatile.Read(ref _lastStamp);
            var next = Math.Max(last + 1, time.GetUtcNow().UtcTicks);
            if (Interlocked.CompareExchange(ref _lastStamp, next, last) == last) return next;
        }
    }
}

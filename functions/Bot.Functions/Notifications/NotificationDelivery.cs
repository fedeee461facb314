using Bot.Core.Execution;
using System.Collections.Concurrent;
using Bot.Adapters.GitHub;
using Bot.Adapters.Http;
using Bot.Adapters.Slack;
using Bot.Adapters.Storage;
using Bot.Core.Ports;
using Microsoft.Extensions.Options;
using Bot.Functions.Hosting;

namespace Bot.Functions.Notifications;

/// <summary>
/// Delivers one <see cref="NotificationWork"/> to its target, outside any traffic path:
/// <list type="bullet">
/// <item><b>Latest state wins.</b> The notice is recorded in the <see cref="TableNoticeLedger"/> unless a newer one is; an
/// older notice then only posts its own thread reply (<see cref="INotifier.PublishTimelineAsync"/>), never an edit. After
/// an edit, a notice recorded meanwhile is rendered too, so the newest stays on top whatever the delivery order.</item>
/// <item><b>Rate limits are a later visibility.</b> Vendor clients do not wait inside the call
/// (<see cref="RateLimitWaits.Suspend"/>); a 429 or GitHub secondary/primary limit puts the message back on the queue,
/// visible after the wait the vendor asked for (capped at <see cref="NotificationOptions.MaxDeferral"/>).</item>
/// <item><b>Other failures throw</b>, so the queue retries them and finally moves them to <c>notifications-poison</c>
/// with the reason.</item>
/// </list>
/// </summary>
public sealed class NotificationDelivery(
    IEnumerable<NotificationTarget> targets, IServiceProvider services, TableNoticeLedger ledger, WorkQueue<NotificationWork> queue,
    IOptions<NotificationOptions> options, ILogger<NotificationDelivery> log) : IWorkHandler<NotificationWork>
{
    private static readonly TimeSpan MinDeferral = TimeSpan.FromSeconds(1);
    private readonly NotificationTarget[] _targets = [.. targets];
    private readonly ConcurrentDictionary<string, INotifier> _notifiers = new(StringComparer.Ordinal);
    // One delivery at a time per rollout and target in this process: the notifiers read, create and save the rollout's
    // outputs (check run, deployment, live message ids), and two at once would both create them.
    private readonly KeyedLock _perRollout = new();

    Task<string> IWorkHandler<NotificationWork>.HandleAsync(NotificationWork work, CancellationToken ct) => DeliverAsync(work, ct);

    /// <summary>Does the work; returns what happened. Throws when delivery failed for another reason than a rate limit.</summary>
    public async Task<string> DeliverAsync(NotificationWork work, CancellationToken ct)
    {
        var notifier = NotifierFor(work.Target);
        var id = work.Notice.RolloutId;
        using var held = await _perRollout.AcquireAsync($"{work.Target}/{id}", ct);
        using var noWaits = RateLimitWaits.Suspend();
        try
        {
            var entry = await ledger.RecordAsync(id, work.Target, work.Order, work.Notice, ct);
            if (entry.Latest > work.Order)
            {
                await notifier.PublishTimelineAsync(work.Notice, ct);
                return $"{work.Target} {id} {work.Notice.Kind}: coalesced (a newer notice, {entry.Latest}, shows the state); thread entry only";
            }

            var shown = work.Order;
            var notice = work.Notice;
            var rounds = 0;
            while (true)
            {
                if (entry.Rendered >= shown) await notifier.PublishTimelineAsync(notice, ct); // a retry: the edit is already there
                else await notifier.PublishAsync(notice, ct);
                await ledger.MarkRenderedAsync(id, work.Target, shown, ct);
                // A newer notice recorded while this one was delivered is rendered too, so it is not overwritten by this one.
                if (await ledger.GetAsync(id, work.Target, ct) is not { } now || now.Latest <= shown || ++rounds >= 5) break;
                (entry, shown, notice) = (now, now.Latest, now.LatestNotice);
            }
            return $"{work.Target} {id} {work.Notice.Kind}: delivered";
        }
        catch (Exception e) when (RateLimitWait(e) is { } wait && !ct.IsCancellationRequested)
        {
            var delay = wait < MinDeferral ? MinDeferral : wait > options.Value.MaxDeferral ? options.Value.MaxDeferral : wait;
            await queue.EnqueueAsync(work with { Deferrals = work.Deferrals + 1 }, delay, ct);
            log.LogWarning("notifications: {Target} rate-limited {Rollout} {Kind} ({Error}); tried again in {Delay} (deferral {Count})",
                work.Target, id, work.Notice.Kind, e.Message, delay, work.Deferrals + 1);
            return $"{work.Target} {id} {work.Notice.Kind}: rate-limited, tried again in {delay}";
        }
    }

    private INotifier NotifierFor(string target) => _notifiers.GetOrAdd(target, name =>
        (_targets.LastOrDefault(t => t.Name == name) ?? throw new InvalidOperationException(
            $"notification target '{name}' is not configured here (configured: {(_targets.Length == 0 ? "none" : string.Join(", ", _targets.Select(t => t.Name)))}); " +
            "turn it back on (Slack__BotToken/Slack__SigningSecret, GitHub__*) or drop the message from notifications-poison"))
        .Create(services));

    /// <summary>The wait a vendor asked for when <paramref name="e"/> (or an inner exception) is a rate limit.</summary>
    public static TimeSpan? RateLimitWait(Exception e) => e switch
    {
        SlackApiException { IsRateLimited: true } s => s.RetryAfter ?? TimeSpan.FromSeconds(1),
        GitHubApiException { IsRateLimited: true } g => g.RetryAfter ?? GitHubRateLimit.SecondaryBackoff,
        { InnerException: { } inner } => RateLimitWait(inner),
        _ => null,
    };
}

using System.Collections.Concurrent;
using Bot.Adapters.Slack;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;
using Bot.Functions.Sweep;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Orphans;

/// <summary>
/// Finds orphaned canary traffic, run by the sweep at most every <see cref="SweepOptions.OrphanScanInterval"/>: for each
/// configured service it reads the route (<see cref="ITrafficInspector"/>, one GET) and the service state; a route the bot
/// wrote that sends canary traffic with no rollout owning it (<see cref="RolloutMachine.IsOrphaned"/>) is kept in the
/// <see cref="OrphanRegistry"/> (health lists it) and reported once in the service's Slack channel with the command that
/// returns it to stable. A route no longer orphaned leaves the registry. One service failing does not stop the others.
/// </summary>
public sealed class OrphanGuard(
    IReleaseConfigs configs, IRolloutStore store, ITrafficInspector? inspector, OrphanRegistry registry, TimeProvider time,
    IOptions<SweepOptions> options, ILogger<OrphanGuard> log, SlackClient? slack = null)
{
    private readonly Lock _gate = new();
    private DateTimeOffset? _nextScan;

    /// <summary>Scans when the interval has passed since this process last scanned; null when it was not due.</summary>
    public async Task<OrphanScanReport?> ScanIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_nextScan is { } next && now < next) return null;
            _nextScan = now + options.Value.OrphanScanInterval; // a failed scan waits too: no Kubernetes storm while it is down
        }
        return await ScanAsync(ct).ConfigureAwait(false);
    }

    public async Task<OrphanScanReport> ScanAsync(CancellationToken ct)
    {
        if (inspector is null)
            return new OrphanScanReport(0, [], 0, 0, ["orphan scan off: the traffic router cannot read routes (no ITrafficInspector)"]);
        var all = await configs.ListAsync(ct).ConfigureAwait(false);
        var known = (await registry.ListAsync(ct).ConfigureAwait(false)).ToDictionary(o => o.Service, StringComparer.Ordinal);
        var orphans = new ConcurrentQueue<OrphanedRoute>();
        var lines = new ConcurrentQueue<string>();
        int reported = 0, resolved = 0;

        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Value.Parallelism), CancellationToken = ct },
            async (config, token) =>
            {
                try
                {
                    var target = TrafficTarget.For(config);
                    var stored = await store.GetAsync(config.Service, token).ConfigureAwait(false);
                    var state = stored?.Value;
                    var reading = await inspector.ReadAsync(target, token).ConfigureAwait(false);
                    var before = known.GetValueOrDefault(config.Service);
                    var orphaned = RolloutMachine.IsOrphaned(state, reading);
                    if (orphaned && (await store.GetAsync(config.Service, token).ConfigureAwait(false))?.ETag != stored?.ETag)
                    {
                        // A rollout started or finished while the route was read: the reading may be its traffic. The next scan decides.
                        lines.Enqueue($"{config.Service}: state changed during the orphan check; the next scan decides");
                        return;
                    }
                    if (!orphaned)
                    {
                        if (before is null) return;
                        await registry.RemoveAsync(config.Service, token).ConfigureAwait(false);
                        Interlocked.Increment(ref resolved);
                        lines.Enqueue($"{config.Service}: no longer orphaned ({reading}{(state?.Active is { } a ? $", {a.Id} active" : "")})");
                        return;
                    }

                    var now = time.GetUtcNow();
                    var orphan = before is null
                        ? OrphanedRoute.Found(config.Service, target, reading, now)
                        : before with { Stable = reading.Stable, Canary = reading.Canary, RecordedStable = reading.RecordedStable, RecordedCanary = reading.RecordedCanary, LastSeen = now };
                    await registry.SaveAsync(orphan, token).ConfigureAwait(false);
                    if (orphan.ReportedAt is null && config.ChatChannel is { Length: > 0 } channel && slack is not null)
                    {
                        // Posted before it is marked: a crash in between tells the channel twice rather than never.
                        await slack.PostMessageAsync(channel, new SlackMessage(ReportText(orphan, state)), null, token).ConfigureAwait(false);
                        orphan = orphan with { ReportedAt = now };
                        await registry.SaveAsync(orphan, token).ConfigureAwait(false);
                        Interlocked.Increment(ref reported);
                    }
                    orphans.Enqueue(orphan);
                    if (before is null) log.LogWarning("orphaned canary traffic: {Orphan}", orphan.Describe());
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    lines.Enqueue($"{config.Service}: orphan check failed: {e.Message}");
                    log.LogWarning("orphan check of {Service} failed: {Error}", config.Service, e.Message);
                }
            }).ConfigureAwait(false);

        // Services no longer configured are not the bot's to watch: forget them.
        foreach (var gone in known.Keys.Where(s => !all.Any(c => c.Service == s)))
        {
            await registry.RemoveAsync(gone, ct).ConfigureAwait(false);
            Interlocked.Increment(ref resolved);
        }
        var found = orphans.OrderBy(o => o.Service, StringComparer.Ordinal).ToList();
        return new OrphanScanReport(all.Count, found, reported, resolved,
            [$"orphans: {found.Count} orphaned route(s) among {all.Count} service(s), {reported} reported, {resolved} resolved", .. found.Select(o => o.Describe()), .. lines]);
    }

    /// <summary>The channel message: what the route carries, that no rollout owns it, and the one command that fixes it.</summary>
    public static string ReportText(OrphanedRoute o, ServiceState? state)
    {
        var last = state?.LastFinished is { } f ? $"the last rollout, {f.Id} ({f.Version}), {RolloutMachine.PhaseWord(f.Phase)}" : "the bot has no record of a rollout";
        var record = o.RecordedCanary is { } rc && rc != o.Canary ? $" (the bot last wrote stable {o.RecordedStable} / canary {rc})" : "";
        return $":warning: Orphaned canary traffic for *{o.Service}*: VirtualService {o.VirtualService} route '{o.Route}' sends " +
               $"stable {o.Stable} / canary {o.Canary}{record}, but no rollout is active ({last}). Found {OrphanedRoute.Stamp(o.Since)}.\n" +
               $"To return all traffic to stable: `/release restore {o.Service}` (or `POST /api/services/{o.Service}/restore`). " +
               "To keep the canary, start a rollout of it.";
    }
}

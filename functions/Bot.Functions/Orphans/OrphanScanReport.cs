using System.Collections.Concurrent;
using Bot.Adapters.Slack;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;
using Bot.Functions.Sweep;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Orphans;

/// <summary>What one orphan scan did (for the sweep's log).</summary>
public sealed record OrphanScanReport(int Scanned, IReadOnlyList<OrphanedRoute> Orphans, int Reported, int Resolved, IReadOnlyList<string> Lines);

using System.Globalization;
using System.Net;
using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Pages;

/// <summary>What the rollout page shows: the rollout, its audit records (oldest first), the time it is rendered at, and the
/// link back to its service's page (signed like the page's own, or null).</summary>
public sealed record RolloutPageModel(RolloutState Rollout, IReadOnlyList<AuditEntry> Events, DateTimeOffset Now, string? ServiceHref = null);

using System.Text;
using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Adapters.Pages;

/// <summary>What the service page shows: the service's recent rollouts (newest first) and, per rollout id, the link to its
/// page (signed, or null when there is none to give).</summary>
public sealed record ServicePageModel(string Service, IReadOnlyList<RolloutState> Rollouts, DateTimeOffset Now, Func<string, string?> RolloutHref);

/// <summary>Renders the service page (pure): recent rollouts with outcome, duration and rollback latency.</summary>
public static class ServicePage
{
    public static string Render(ServicePageModel m)
    {
        var sb = new StringBuilder(8 * 1024);
        PageHtml.Head(sb, $"{m.Service} · rollouts");
        sb.Append("<header><h1>").Append(RolloutPage.E(m.Service)).Append("</h1><p class=\"meta\">recent rollouts, newest first</p></header>\n");
        sb.Append("<table id=\"rollouts\"><thead><tr><th>rollout</th><th>version</th><th>outcome</th><th>started (UTC)</th><th>duration</th><th>rollback latency</th></tr></thead><tbody>");
        foreach (var r in m.Rollouts)
        {
            var end = r.FinishedAt ?? m.Now;
            sb.Append("<tr data-rollout=\"").Append(RolloutPage.E(r.Id)).Append("\"><td>");
            if (m.RolloutHref(r.Id) is { } href) sb.Append("<a href=\"").Append(RolloutPage.E(href)).Append("\">").Append(RolloutPage.E(r.Id)).Append("</a>");
            else sb.Append(RolloutPage.E(r.Id));
            sb.Append("</td><td><code>").Append(RolloutPage.E(r.Version)).Append("</code></td><td class=\"out-").Append(RolloutPage.PhaseClass(r.Phase)).Append("\">")
              .Append(RolloutPage.E(RolloutMachine.PhaseWord(r.Phase))).Append("</td><td>").Append(RolloutPage.T(r.CreatedAt)).Append("</td><td>")
              .Append(RolloutPage.E(Durations.Format(end - r.CreatedAt))).Append(r.IsTerminal ? "" : " so far").Append("</td><td class=\"latency\">")
              .Append(r.RollbackLatency is { } l ? RolloutPage.E(Durations.Latency(l)) : "").Append("</td></tr>");
        }
        if (m.Rollouts.Count == 0) sb.Append("<tr><td colspan=\"6\">no rollouts yet</td></tr>");
        sb.Append("</tbody></table>\n<footer>Rendered ").Append(RolloutPage.T(m.Now)).Append(" UTC.</footer>\n</body></html>\n");
        return sb.ToString();
    }
}

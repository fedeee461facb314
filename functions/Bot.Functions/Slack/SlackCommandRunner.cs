using System.Globalization;
using System.Text;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Adapters.Slack;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Slack;

/// <summary>
/// Runs <c>/release …</c> text with the core grammar (<see cref="CommandParser"/>, services known from the central config
/// folder so a misspelling gets a "did you mean"). status, history and help read the store; everything else goes through
/// the <see cref="CommandPipeline"/> (Slack user groups resolve <c>@group</c> principals), bound to what the command was
/// bound to when accepted (<see cref="CommandBinding"/>), and its outcome is worded for Slack: a refusal names who may
/// act and says that nothing changed.
/// </summary>
public sealed class SlackCommandRunner(
    IReleaseConfigs configs, IRolloutStore store, CommandPipeline pipeline, IOptions<SlackOptions> options,
    [FromKeyedServices(SlackServiceCollectionExtensions.MembershipKey)] IMembershipResolver membership)
{
    /// <summary>The reply to <paramref name="work"/>; null when its delivery was already acted on and answered (a replay or
    /// Slack's retry).</summary>
    public async Task<string?> RunAsync(SlackCommandWork work, CancellationToken ct)
    {
        var (text, by) = (work.Command.Text, new Actor(work.Command.UserId, work.Command.UserName, "slack"));
        var known = (await configs.ListAsync(ct)).Select(c => c.Service).ToList();
        var parsed = CommandParser.Parse(text, new CommandParseOptions { KnownServices = known });
        if (parsed.Command is not { } command) return parsed.Usage is null ? parsed.Error! : $"{parsed.Error}\nusage:\n```{parsed.Usage}```";

        return command switch
        {
            HelpCommand h => Help(h.Topic),
            StatusCommand s => await StatusAsync(s.Service, known, ct),
            HistoryCommand h => await HistoryAsync(h.Service, h.Count, ct),
            _ => Render(await pipeline.RunAsync(new CommandRequest(command, by)
            {
                Binding = work.Binding, Seen = work.Seen, ReceivedAt = work.ReceivedAt, Reason = command is RollbackCommand or RestoreCommand ? $"/release {command.Verb} by {by.Name}" : null,
                Delivery = work.Delivery(options.Value.DedupTtl),
            }, membership, ct), work.ReceivedAt),
        };
    }

    /// <summary>The outcome in Slack's words, for work received at <paramref name="receivedAt"/>. A repeat is answered only when
    /// it is this work's own earlier run that acted (<see cref="CommandOutcome.AnswersRepeat"/>: a queued retry whose first run
    /// ended before it replied); a replay or Slack's retry gets null, no second reply.</summary>
    public static string? Render(CommandOutcome outcome, DateTimeOffset? receivedAt) =>
        outcome.Repeated
            ? outcome.AnswersRepeat(receivedAt)
                ? $"Already done{(outcome.Rollout is { } r ? $" on {r.Id} (now {CommandPipeline.PhaseText(r.Phase)} at {r.CanaryWeight}%)" : "")}; nothing changed now."
                : null
            : outcome.Done ? outcome.Message : $"{outcome.Message}. Nothing changed.";

    private static string Help(string? topic) => topic is null
        ? "*/release* commands:\n" + string.Join("\n", CommandParser.Usages.Values.Select(u => $"• `{u}`"))
        : $"usage: `{CommandParser.Usages[topic]}`";

    private async Task<string> StatusAsync(string? service, IReadOnlyList<string> known, CancellationToken ct)
    {
        if (service is not null) return await StatusLineAsync(service, ct);
        if (known.Count == 0) return "No services are configured (ReleaseConfig:Directory is empty).";
        var lines = new List<string>();
        foreach (var s in known.Order(StringComparer.Ordinal)) lines.Add(await StatusLineAsync(s, ct));
        return string.Join("\n", lines);
    }

    private async Task<string> StatusLineAsync(string service, CancellationToken ct)
    {
        var state = (await store.GetAsync(service, ct))?.Value;
        if (state?.Active is { } a) return $"*{service}* {a.Version}: {Describe(a)}";
        if (state?.LastFinished is { } f) return $"*{service}*: no rollout in progress; last was {f.Version}, {Phase(f.Phase)}";
        return $"*{service}*: no rollouts yet";
    }

    private async Task<string> HistoryAsync(string service, int count, CancellationToken ct)
    {
        var list = await store.ListAsync(service, count, ct);
        if (list.Count == 0) return $"{service} has no rollouts yet.";
        var live = (await store.GetAsync(service, ct))?.Value;
        var sb = new StringBuilder($"Last {list.Count} rollout(s) of *{service}*, newest first:");
        foreach (var archived in list)
        {
            // Archived copies can lag the live state by one transition; prefer the live one.
            var r = live?.Active?.Id == archived.Id ? live.Active : live?.LastFinished?.Id == archived.Id ? live.LastFinished : archived;
            sb.Append(CultureInfo.InvariantCulture, $"\n• {r.Version} ({r.Id}) by {r.StartedBy.Name}, {r.CreatedAt:yyyy-MM-dd HH:mm} UTC: {Describe(r)}");
        }
        return sb.ToString();
    }

    private static string Describe(RolloutState r) =>
        r.IsTerminal
            ? Phase(r.Phase) + (r.Reason is { Length: > 0 } why ? $" ({why})" : "")
            : $"{Phase(r.Phase)}, step {r.StepIndex + 1}/{r.Config.Steps.Count}, canary {r.CanaryWeight}%";

    private static string Phase(RolloutPhase p) => CommandPipeline.PhaseText(p);
}

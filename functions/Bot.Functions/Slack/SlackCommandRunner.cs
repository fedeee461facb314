using System.Globalization;
using System.Text;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Policies;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Adapters.Scheduling;
using Bot.Functions.Ci;
using Bot.Functions.Releases;

namespace Bot.Functions.Slack;

/// <summary>
/// Runs <c>/release …</c> text with the core grammar (<see cref="CommandParser"/>, services known from the central config
/// folder so a misspelling gets a "did you mean"). deploy starts a rollout with the service's current config; status and
/// history read the store; approve, rollback, pause, resume, promote and abort act through the executor on the rollout
/// the command names, else the one it was bound to when accepted (<see cref="CommandBinding"/>): never on a rollout
/// that started after the command was sent; restore returns orphaned canary traffic to stable
/// (<see cref="Orphans.OrphanRestore"/>). Every action is authorized first (<see cref="Authorizer"/>, Slack user groups); a refusal
/// names who may act and changes nothing.
/// </summary>
public sealed class SlackCommandRunner(
    IReleaseConfigs configs, IRolloutStore store, ISlackRolloutGateway rollouts,
    [FromKeyedServices(SlackServiceCollectionExtensions.AuthorizerKey)] Authorizer authorizer,
    FreezeService? freezes = null, Orphans.OrphanRestore? restore = null) : ISlackCommandRunner
{
    /// <summary>What freeze/unfreeze answer when the host runs without the CI/scheduling part (no freeze service).</summary>
    internal const string FreezeUnavailable =
        "Freezes cannot be set here: this bot runs without the freeze service. Nothing changed.";

    public async Task<string> RunAsync(string text, Actor by, string channelId, CommandBinding? binding, CancellationToken ct)
    {
        var known = (await configs.ListAsync(ct)).Select(c => c.Service).ToList();
        var parsed = CommandParser.Parse(text, new CommandParseOptions { KnownServices = known });
        if (parsed.Command is not { } command) return parsed.Usage is null ? parsed.Error! : $"{parsed.Error}\nusage:\n```{parsed.Usage}```";

        return command switch
        {
            HelpCommand h => Help(h.Topic),
            StatusCommand s => await StatusAsync(s.Service, known, ct),
            HistoryCommand h => await HistoryAsync(h.Service, h.Count, ct),
            DeployCommand d => await DeployAsync(d, by, ct),
            FreezeCommand or UnfreezeCommand => await FreezeAsync(command, by, ct),
            RestoreCommand r => await RestoreAsync(r, by, ct),
            RolloutCommand rc => await ActAsync(rc, by, binding, ct),
            _ => $"`/release {command.Verb}` is not available in Slack; nothing changed.",
        };
    }

    private static string Help(string? topic) => topic is null
        ? "*/release* commands:\n" + string.Join("\n", CommandParser.Usages.Values.Select(u => $"• `{u}`"))
        : $"usage: `{CommandParser.Usages[topic]}`";

    private async Task<string> DeployAsync(DeployCommand d, Actor by, CancellationToken ct)
    {
        if (await configs.FindAsync(d.Service, ct) is not { } config)
            return $"{d.Service} has no release config any more; nothing changed.";
        var current = (await store.GetAsync(d.Service, ct))?.Value.Active;
        if (await Refusal(config, by, ReleaseAction.Deploy, current, ct) is { } no) return no;

        var input = new StartRollout(d.Version, config) { By = by, Source = new VersionSource(Repository: config.GitHubRepo) };
        var outcome = await rollouts.ExecuteAsync(d.Service, input, ct);
        if (outcome.Refused is { } r) return $"{r.Message}. Nothing changed.";
        return outcome.Message ?? $"Rollout of {d.Service} {d.Version} started; follow it in the rollout message.";
    }

    private async Task<string> ActAsync(RolloutCommand command, Actor by, CommandBinding? binding, CancellationToken ct)
    {
        var service = command.Service;
        var active = (await store.GetAsync(service, ct))?.Value.Active;
        if (active is null) return $"{service} has no rollout in progress; nothing to {command.Verb}.";
        // Bound to what the user could see: the rollout (and, for approve, its revision and step) active when the
        // command was accepted, so a retry never lands on a rollout, step or revision that came later.
        var (input, stale) = CommandBinding.Input(command, binding, active, by, $"/release rollback by {by.Name}");
        if (stale is not null) return stale + ".";
        if (await Refusal(active.Config, by, command.Action, active, ct) is { } no) return no;

        var outcome = await rollouts.ExecuteAsync(service, input!, ct);
        if (outcome.Refused is { } r) return $"{r.Message}. Nothing changed.";
        return outcome.Message ?? $"{command.Verb} {service} {active.Version}: {Phase(outcome.Rollout?.Phase ?? active.Phase)}.";
    }

    private async Task<string> RestoreAsync(RestoreCommand r, Actor by, CancellationToken ct)
    {
        if (restore is null) return "Restore is not available here: this bot runs without the orphan guard. Nothing changed.";
        var outcome = await restore.RunAsync(r.Service, by, r.Reason ?? $"/release restore by {by.Name}", authorizer, ct);
        return outcome.Restored ? outcome.Message : $"{outcome.Message}. Nothing changed.";
    }

    /// <summary>freeze/unfreeze: a service's freeze needs that service's rights for the action; <c>all</c> needs them on every service.</summary>
    private async Task<string> FreezeAsync(ReleaseCommand command, Actor by, CancellationToken ct)
    {
        if (freezes is null) return FreezeUnavailable;
        var service = command switch { FreezeCommand f => f.Service, UnfreezeCommand u => u.Service, _ => null };
        var scope = service is null ? await configs.ListAsync(ct) : (await configs.FindAsync(service, ct) is { } c ? [c] : []);
        if (service is not null && scope.Count == 0) return $"{service} has no release config; nothing changed.";
        foreach (var config in scope)
            if (await Refusal(config, by, command.Action, null, ct) is { } no) return no;
        return await FreezeCommands.RunAsync(freezes, command, by, ct);
    }

    private async Task<string?> Refusal(ReleaseConfig config, Actor by, ReleaseAction action, RolloutState? rollout, CancellationToken ct)
    {
        var verdict = await authorizer.AuthorizeAsync(config, by, action, rollout, ct);
        return verdict.Allowed ? null : $"{verdict.Message}. Nothing changed.";
    }

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

    internal static string Phase(RolloutPhase p) => p switch
    {
        RolloutPhase.WaitingApproval => "waiting for approval",
        RolloutPhase.RolledBack => "rolled back",
        RolloutPhase.RollingBack => "rolling back",
        _ => p.ToString().ToLowerInvariant(),
    };
}

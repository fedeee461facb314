using System.Text;
using Bot.Adapters.GitHub;
using Bot.Core.Commands;
using Bot.Core.Config;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;
using Bot.Functions.Hosting;

namespace Bot.Functions.GitHub;

/// <summary>
/// Turns verified GitHub events into rollout inputs: push and workflow_run start rollouts (config from the repository's
/// <c>.releasebot.yaml</c> at the commit, else the central config; allowed by its <c>trigger</c>, recorded as the pusher or
/// workflow actor), check-run buttons and <c>/release</c> PR comments become commands by the person who acted; all of
/// them run through the <see cref="CommandPipeline"/>. A PR comment's commands act on the rollouts they were bound to when the
/// delivery was accepted (<see cref="GitHubCommandIntake"/>); when the reply fails after they ran, the reply is queued as
/// reply-only work, so a retry never runs them again.
/// </summary>
public sealed partial class GitHubEventHandler(
    GitHubClient github, CommandPipeline pipeline, IRolloutStore store, IReleaseConfigs configs,
    IOptions<GitHubOptions> options, YamlRepoConfigParser repoParser, GitHubTeamMembershipCache teams, WorkQueue<GitHubWork> queue,
    DeploymentGates gates, TimeProvider time, ILogger<GitHubEventHandler> log) : IWorkHandler<GitHubWork>
{
    private static readonly string[] CommandPermissions = ["admin", "maintain", "write"];

    public Task<WebhookOutcome> HandleAsync(GitHubWebhookEvent e, CancellationToken ct) => HandleAsync(new GitHubWork(e), ct);

    async Task<string> IWorkHandler<GitHubWork>.HandleAsync(GitHubWork work, CancellationToken ct) =>
        $"{work.Delivery.Event} {work.Delivery.DeliveryId}: {(await HandleAsync(work, ct)).Message}";

    /// <summary>Does queued work: the delivery (its commands bound as the work says), or only the reply it still owes.</summary>
    public async Task<WebhookOutcome> HandleAsync(GitHubWork work, CancellationToken ct)
    {
        var e = work.Delivery;
        if (work.Reply is { } reply && e is IssueCommentEvent replyTo)
        {
            await PostReplyAsync(replyTo, reply, ct);
            return WebhookOutcome.Done($"reply to comment {replyTo.CommentId} posted on retry");
        }
        if (work.GateDue is { } due) return await OnGateDueAsync(due, work, ct);
        // Only a PR comment's commands are bound, and its handler awaits the binding after starting its GitHub reads.
        if (e is not IssueCommentEvent && work.Binding is { } binding) work = await binding;
        if (e.InstallationId is { } installation && RepoOf(e) is { } repo) github.Credentials.RememberInstallation(repo, installation);
        return e switch
        {
            PushEvent push => await OnPushAsync(push, ct),
            WorkflowRunEvent run => await OnWorkflowRunAsync(run, ct),
            CheckRunEvent check => await OnCheckRunAsync(check, work, ct),
            IssueCommentEvent comment => await OnCommentAsync(comment, work, ct),
            DeploymentProtectionRuleEvent rule => await OnProtectionRuleAsync(rule, work, ct),
            IgnoredEvent ignored => WebhookOutcome.Ignored(ignored.Reason),
            _ => WebhookOutcome.Ignored($"{e.Event} needs no action"),
        };
    }

    private static RepoRef? RepoOf(GitHubWebhookEvent e) => e switch
    {
        PushEvent p => p.Repository, WorkflowRunEvent w => w.Repository, CheckRunEvent c => c.Repository, IssueCommentEvent i => i.Repository,
        DeploymentProtectionRuleEvent d => d.Repository, _ => null,
    };

    // ---- starting rollouts ---------------------------------------------------------------------------------

    private async Task<WebhookOutcome> OnPushAsync(PushEvent e, CancellationToken ct)
    {
        if (e.Deleted) return WebhookOutcome.Ignored($"{e.Ref} was deleted");
        if (e.Branch is not { } branch) return WebhookOutcome.Ignored($"{e.Ref} is not a branch");
        var actor = new Actor(e.Sender?.Login ?? e.Pusher, e.Sender?.Login ?? e.Pusher, "github");
        return await StartAsync(e.DeliveryId, e.Repository, e.After, branch, null, null, actor,
            t => t.Kind == TriggerKind.Push && t.Branch == branch, $"push to {branch}", ct);
    }

    private async Task<WebhookOutcome> OnWorkflowRunAsync(WorkflowRunEvent e, CancellationToken ct)
    {
        if (e.Action != "completed") return WebhookOutcome.Ignored($"workflow_run {e.Action} starts nothing; only completed runs do");
        if (e.Conclusion != "success")
            return WebhookOutcome.Ignored($"workflow '{e.WorkflowName}' concluded {e.Conclusion ?? "(none)"}: only success starts a rollout");
        var actor = new Actor(e.Sender.Login, e.Sender.Login, "github");
        return await StartAsync(e.DeliveryId, e.Repository, e.HeadSha, e.HeadBranch, e.RunId, e.HtmlUrl, actor,
            t => t.Kind == TriggerKind.WorkflowRun && WorkflowMatches(t.Workflow, e) && (e.HeadBranch is null || t.Branch == e.HeadBranch),
            $"workflow '{e.WorkflowName}' succeeded", ct);
    }

    private static bool WorkflowMatches(string? wanted, WorkflowRunEvent e) =>
        wanted is not null && (string.Equals(wanted, e.WorkflowName, StringComparison.Ordinal)
                               || string.Equals(wanted, e.WorkflowPath, StringComparison.Ordinal)
                               || (e.WorkflowPath is { } p && string.Equals(wanted, Path.GetFileName(p), StringComparison.Ordinal)));

    private async Task<WebhookOutcome> StartAsync(string delivery, RepoRef repo, string sha, string? branch, long? runId, string? buildUrl, Actor by,
        Func<TriggerSpec, bool> matches, string why, CancellationToken ct, Func<ReleaseConfig, bool>? only = null)
    {
        var all = await configs.ListAsync(ct);
        var central = all.Where(c => SameRepo(c.GitHubRepo, repo)).ToList();
        var (repoConfig, errors, namedService) = await ReadRepoConfigAsync(repo, sha, all, ct);
        if (errors.Count > 0)
        {
            var services = central.Select(c => c.Service).Append(namedService).OfType<string>().Distinct().DefaultIfEmpty("config");
            await FailConfigCheckAsync(repo, sha, services, errors, ct);
            return WebhookOutcome.Done($"{options.Value.ConfigFile} at {sha[..Math.Min(7, sha.Length)]} is broken: {string.Join("; ", errors)}");
        }
        // The repository's file wins for the service it names; central configs cover the rest.
        var candidates = central.Where(c => repoConfig is null || c.Service != repoConfig.Service).ToList();
        if (repoConfig is not null) candidates.Add(repoConfig with { GitHubRepo = repoConfig.GitHubRepo ?? repo.FullName });
        var started = new List<string>();
        foreach (var config in candidates.Where(c => c.Trigger is { } t && matches(t) && (only is null || only(c))))
        {
            // Allowed by the service's trigger section (it matched), recorded as the identity that caused it.
            var version = Version(config.Trigger!.VersionTemplate, sha, branch, runId);
            var outcome = await pipeline.RunAsync(new CommandRequest(new DeployCommand(config.Service, version), by)
            {
                Config = config,
                Triggered = true,
                Reason = $"{why} (by {by.Name})",
                Source = new VersionSource(sha, null, repo.FullName, buildUrl),
                Delivery = Delivery(delivery),
            }, NoGroupsMembershipResolver.Instance, ct);
            started.Add($"{config.Service}: {outcome.Message}");
        }
        return started.Count == 0
            ? WebhookOutcome.Ignored($"{why} on {repo.FullName}: no service is triggered by it")
            : WebhookOutcome.Done(string.Join("; ", started));
    }

    public static string Version(string? template, string sha, string? branch, long? runId) =>
        template is null ? sha : template
            .Replace("{sha}", sha, StringComparison.Ordinal)
            .Replace("{sha7}", sha[..Math.Min(7, sha.Length)], StringComparison.Ordinal)
            .Replace("{branch}", (branch ?? "").Replace('/', '-'), StringComparison.Ordinal)
            .Replace("{run}", runId?.ToString() ?? "", StringComparison.Ordinal);

    /// <summary>The repository's config at <paramref name="sha"/>: none when the file is absent (the central config applies),
    /// else the parsed config or its <c>file:line</c> errors plus the service the broken file names, if it names one.</summary>
    private async Task<(ReleaseConfig?, IReadOnlyList<string>, string?)> ReadRepoConfigAsync(RepoRef repo, string sha, IReadOnlyList<ReleaseConfig> central, CancellationToken ct)
    {
        var path = options.Value.ConfigFile;
        var file = await github.GetFileAsync(repo, path, sha, ct);
        if (file is null) return (null, [], null);
        var (config, errors) = repoParser.Parse(file.Text, path);
        var named = ServiceLine().Match(file.Text);
        var serviceLine = named.Success ? file.Text[..named.Index].Count(c => c == '\n') + 1 : 1;
        if (config is null) return (null, errors, named.Success ? named.Groups[1].Value : null);
        // A repository configures only its own services: otherwise any repository the app is installed on could
        // start (and set the approvers of) another team's service.
        if (config.GitHubRepo is { } claimed && !SameRepo(claimed, repo))
            return (null, [$"{path}:{serviceLine}: github.repo: '{claimed}' is not this repository ({repo.FullName}); remove github.repo or set it to {repo.FullName}"], config.Service);
        if (central.FirstOrDefault(c => c.Service == config.Service && c.GitHubRepo is not null && !SameRepo(c.GitHubRepo, repo)) is { } owner)
            return (null, [$"{path}:{serviceLine}: service: '{config.Service}' belongs to {owner.GitHubRepo} ({owner.Source}); rename the service or configure it in its own repository"], config.Service);
        return (config with { Source = $"{repo.FullName}@{sha[..Math.Min(7, sha.Length)]}:{path}" }, [], null);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^service:\s*[""']?([a-z0-9][a-z0-9-]{0,62})[""']?\s*(#.*)?$", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex ServiceLine();

    private async Task FailConfigCheckAsync(RepoRef repo, string sha, IEnumerable<string> services, IReadOnlyList<string> errors, CancellationToken ct)
    {
        if (!github.Credentials.IsApp)
        {
            log.LogWarning("{Repo}@{Sha}: broken release config and no GitHub App to report it: {Errors}", repo, sha, string.Join("; ", errors));
            return;
        }
        var text = new StringBuilder("The release config could not be read, so no rollout started. Fix these and push again:\n\n");
        foreach (var err in errors) text.Append("- `").Append(err.Replace("`", "'")).Append("`\n");
        foreach (var service in services)
        {
            await github.CreateCheckRunAsync(repo, new Octokit.NewCheckRun(CheckRunRenderer.CheckRunName(service), sha)
            {
                Conclusion = Octokit.CheckConclusion.Failure,
                Output = new Octokit.NewCheckRunOutput($"{options.Value.ConfigFile} is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")})", text.ToString()),
            }, ct);
        }
    }

    // ---- commands ------------------------------------------------------------------------------------------

    private GitHubTeamMembershipResolver TeamsOf(RepoRef repo) => new(github, repo, teams);

    /// <summary>A check-run button: bound to the rollout (<c>external_id</c>), revision and step it was shown for, so a
    /// duplicate delivery of an Approve never approves the next step. The clicker needs the repository permission PR
    /// comments need, and then, like every surface, the service's deployers/approvers decide.</summary>
    private async Task<WebhookOutcome> OnCheckRunAsync(CheckRunEvent e, GitHubWork work, CancellationToken ct)
    {
        if (e.Action != "requested_action") return WebhookOutcome.Ignored($"check_run {e.Action} needs no action");
        if (e.ExternalId is not { Length: > 0 } rolloutId)
            return WebhookOutcome.Ignored($"check run {e.CheckRunId} is not a rollout the bot knows");
        if (!CheckRunRenderer.TryParseActionId(e.Identifier, out var verb, out var revision, out var step))
            return WebhookOutcome.Ignored($"check-run action '{e.Identifier}' is not one of the bot's bound buttons (verb/revision/step); nothing changed");
        var by = new Actor(e.Sender.Login, e.Sender.Login, "github");
        var binding = CommandBinding.ForRollout(rolloutId, revision, step);
        ReleaseCommand command = verb switch
        {
            CheckRunRenderer.ApproveId => new ApproveCommand(binding.Service),
            CheckRunRenderer.RollbackId => new RollbackCommand(binding.Service, $"Rollback button on the check run by {by.Name}"),
            _ => new PauseCommand(binding.Service),
        };
        var request = new CommandRequest(command, by) { Binding = binding, ReceivedAt = work.AcceptedAt, Delivery = Delivery(e.DeliveryId) };
        if (!await MayCommandAsync(e.Repository, by, ct))
        {
            var refused = await pipeline.RefuseAsync(request, RefusalKind.Forbidden,
                $"{by.Name} may not run release commands on {e.Repository.FullName}: only {WhoMayCommand(e.Repository)} may", ct);
            return WebhookOutcome.Done($"{verb} by {by.Id} refused: {refused.Message}");
        }
        var outcome = await pipeline.RunAsync(request, TeamsOf(e.Repository), ct);
        if (outcome.Repeated) return WebhookOutcome.Ignored($"{verb} by {by.Id}: {outcome.Message}");
        return outcome.Refused is { } r
            ? WebhookOutcome.Done($"{verb} by {by.Id} refused: {r.Message}")
            : WebhookOutcome.Done($"{verb} by {by.Id}: {outcome.Message}");
    }

    /// <summary>Lines that start with <c>/release</c> (then a space or the end): the rest of the comment is conversation.</summary>
    public static IReadOnlyList<string> CommandLines(string body) =>
        body.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("/release", StringComparison.OrdinalIgnoreCase) && (l.Length == 8 || char.IsWhiteSpace(l[8])))
            .ToList();

    private async Task<WebhookOutcome> OnCommentAsync(IssueCommentEvent e, GitHubWork work, CancellationToken ct)
    {
        if (e.Action != "created") return WebhookOutcome.Ignored($"issue_comment {e.Action}: only new comments carry commands");
        if (!e.IsPullRequest) return WebhookOutcome.Ignored("comment on an issue, not a pull request");
        var lines = CommandLines(e.Body);
        if (lines.Count == 0) return WebhookOutcome.Ignored("no /release command in the comment");

        var user = e.Commenter.Login;
        var by = new Actor(user, user, "github");
        // Two independent reads of GitHub at once, while the endpoint may still be reading the bindings: may the commenter
        // command, and which service the PR means.
        var may = MayCommandAsync(e.Repository, by, ct);
        var all = await configs.ListAsync(ct);
        var meant = DefaultServiceAsync(e, all, ct);
        bool allowed;
        try
        {
            if (work.Binding is { } binding) work = await binding;
            allowed = await may;
        }
        finally
        {
            if (!may.IsCompleted) await ((Task)may).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!may.IsCompletedSuccessfully || !may.Result) await ((Task)meant).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (!allowed)
        {
            // Each command the comment asked for is a refused attempt, recorded on the service it names.
            var own = all.Where(c => SameRepo(c.GitHubRepo, e.Repository)).Select(c => c.Service).ToList();
            var quick = new CommandParseOptions { KnownServices = all.Select(c => c.Service).ToList(), DefaultService = own.Count == 1 ? own[0] : null };
            var why = $"{user} may not run release commands on {e.Repository.FullName}: only {WhoMayCommand(e.Repository)} may";
            foreach (var command in lines.Select(l => CommandParser.Parse(l, quick).Command).OfType<ReleaseCommand>()
                         .Where(c => c is not (HelpCommand or StatusCommand or HistoryCommand)))
                await pipeline.RefuseAsync(new CommandRequest(command, by) { Binding = work.Bindings.FirstOrDefault(b => b.Service == CommandBinding.ServiceToBind(command)) },
                    RefusalKind.Forbidden, why, ct);
            await ReplyAsync(e, $"@{user} you may not run release commands here: only {WhoMayCommand(e.Repository)} may. Nothing was changed.", "-1", ct);
            return WebhookOutcome.Done($"{user} refused: not allowed");
        }

        var defaultService = await meant;
        var parse = new CommandParseOptions
        {
            KnownServices = all.Select(c => c.Service).Append(defaultService).OfType<string>().Distinct(StringComparer.Ordinal).ToList(),
            DefaultService = defaultService,
        };
        var replies = new List<string>();
        var allOk = true;
        var repeats = 0;
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var parsed = CommandParser.Parse(line, parse);
            var (ok, text) = parsed.Command is { } command
                ? await RunAsync(command, by, e, work, $"{e.DeliveryId}#{i}", ct)
                : (false, parsed.Message!.Replace("\n", " — "));
            if (text is null)
            {
                repeats++;
                continue;
            }
            allOk &= ok;
            replies.Add($"- `{line.Replace("`", "'")}`: {text}");
        }
        // A redelivered comment whose commands were all acted on the first time was answered then (a queued retry of this
        // delivery, whose first run ended before it answered, is answered: see RunAsync).
        if (repeats == lines.Count) return WebhookOutcome.Ignored($"delivery {e.DeliveryId} was already acted on and answered");
        await ReplyAsync(e, $"@{user}\n" + string.Join("\n", replies), allOk ? "+1" : "confused", ct);
        return WebhookOutcome.Done(string.Join("; ", replies));
    }

    /// <summary>The service a PR comment means when it names none: the one in the PR head's <c>.releasebot.yaml</c>, else
    /// the only central service whose <c>github.repo</c> is this repository; null when neither decides.</summary>
    private async Task<string?> DefaultServiceAsync(IssueCommentEvent e, IReadOnlyList<ReleaseConfig> all, CancellationToken ct)
    {
        try
        {
            var pull = await github.GetPullRequestAsync(e.Repository, e.IssueNumber, ct);
            if ((await ReadRepoConfigAsync(e.Repository, pull.Head.Sha, all, ct)).Item1 is { } own) return own.Service;
        }
        catch (GitHubApiException ex) when (ex.IsNotFound)
        {
            // A deleted head or no access to the PR: the central config decides.
        }
        var mine = all.Where(c => SameRepo(c.GitHubRepo, e.Repository)).Select(c => c.Service).ToList();
        return mine.Count == 1 ? mine[0] : null;
    }

    /// <summary>One comment line's command; its text is null when <paramref name="delivery"/> (the comment's delivery and
    /// the line) was already acted on.</summary>
    private async Task<(bool Ok, string? Text)> RunAsync(ReleaseCommand command, Actor by, IssueCommentEvent e, GitHubWork work, string delivery, CancellationToken ct)
    {
        if (command is HelpCommand help)
            return (true, help.Topic is { } t ? $"usage: `{CommandParser.Usages[t]}`" : "commands: " + string.Join(", ", CommandParser.Usages.Values.Select(u => $"`{u}`")));
        var service = command switch { RolloutCommand c => c.Service, StatusCommand c => c.Service, _ => null };
        if (service is null)
            return (false, command is StatusCommand
                ? $"name a service: {e.Repository.FullName} has no single service of its own"
                : $"`/release {command.Verb}` is not available in PR comments; use Slack or the command API");

        if (command is StatusCommand)
        {
            var current = (await store.GetAsync(service, ct))?.Value;
            if (current?.Active is not { } active) return (true, $"{service} has no rollout in progress");
            return (true, $"{service} {CheckRunRenderer.Short(active.Version)}: {active.Phase} at {active.CanaryWeight}%, step {active.StepIndex + 1} of {active.Config.Steps.Count}");
        }
        if (command is not RolloutCommand act) return (false, $"`/release {command.Verb}` is not available in PR comments; use Slack or the command API");

        // Bound at intake: the rollout active when the comment was accepted (or, for a service only the PR head's file
        // names, one that had started by then), so a retried delivery never acts on a rollout that started later.
        var binding = work.Bindings.FirstOrDefault(b => b.Service == service);
        if (binding is null && work.AcceptedAt is { } at && act.RolloutId is null && (await store.GetAsync(service, ct))?.Value.Active is { } now)
            binding = CommandBinding.AsOf(service, now, at);
        var outcome = await pipeline.RunAsync(new CommandRequest(act, by)
        {
            Binding = binding, Seen = work.Seen.FirstOrDefault(s => s.Value.Service == service), ReceivedAt = work.AcceptedAt,
            Reason = act is RollbackCommand ? $"/release rollback on PR #{e.IssueNumber}" : null,
            Delivery = Delivery(delivery),
        }, TeamsOf(e.Repository), ct);
        if (outcome.Repeated)
            return (true, outcome.AnswersRepeat(work.AcceptedAt) ? $"already done on {outcome.Rollout?.Id ?? service}; nothing changed now" : null);
        if (outcome.Refused is { } r) return (false, $"refused: {r.Message}. Nothing was changed.");
        var after = outcome.Rollout;
        return (true, outcome.Execution?.Message ?? $"{service} {CheckRunRenderer.Short(after?.Version ?? "")}: {command.Verb} done, now {after?.Phase} at {after?.CanaryWeight}%");
    }

    /// <summary>The delivery id a GitHub delivery (or one command of it) is recorded under in the state it acts on, so
    /// GitHub's redelivery acts once.</summary>
    private InboundDelivery Delivery(string id) => new("github:" + id, options.Value.DeliveryTtl);

    private string WhoMayCommand(RepoRef repo) =>
        "collaborators with write, maintain or admin permission on " + repo.FullName
        + (options.Value.CommandTeams.Count > 0 ? " and members of " + string.Join(", ", options.Value.CommandTeams.Select(t => "@" + t)) : "");

    /// <summary>Write, maintain or admin on the repository, or an active member of a team in <see cref="GitHubOptions.CommandTeams"/>.</summary>
    private async Task<bool> MayCommandAsync(RepoRef repo, Actor actor, CancellationToken ct)
    {
        var permission = await github.GetCollaboratorPermissionAsync(repo, actor.Id, ct);
        if ((permission.RoleName is { } role && CommandPermissions.Contains(role)) || CommandPermissions.Contains(permission.Permission)) return true;
        var teamResolver = TeamsOf(repo);
        foreach (var team in options.Value.CommandTeams)
            if (await teamResolver.IsMemberAsync("@" + team, actor, ct)) return true;
        return false;
    }

    /// <summary>Answers the comment once its commands ran. A failed reply is queued as reply-only work and this work
    /// ends, so the commands ran once; only when that put fails too does the failure propagate (the bound retry then
    /// acts on the same rollouts or does nothing).</summary>
    private async Task ReplyAsync(IssueCommentEvent e, string body, string reaction, CancellationToken ct)
    {
        var reply = new GitHubReply(body, reaction);
        try
        {
            await PostReplyAsync(e, reply, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogWarning(ex, "Reply to comment {CommentId} on {Repo}#{Issue} failed after its commands ran; queued on {Queue} to retry as a reply only",
                e.CommentId, e.Repository, e.IssueNumber, queue.Queue);
            await queue.EnqueueAsync(new GitHubWork(e) { Reply = reply }, ct);
        }
    }

    /// <summary>The reaction (GitHub answers an existing identical reaction with 200, so a retry adds none) and the reply comment.</summary>
    private async Task PostReplyAsync(IssueCommentEvent e, GitHubReply reply, CancellationToken ct)
    {
        await github.CreateCommentReactionAsync(e.Repository, e.CommentId, reply.Reaction, ct);
        await github.CreateIssueCommentAsync(e.Repository, e.IssueNumber, reply.Body, ct);
    }

    internal static bool SameRepo(string? configured, RepoRef repo) =>
        configured is not null && RepoRef.TryParse(configured, out var r) && r.Equals(repo);
}

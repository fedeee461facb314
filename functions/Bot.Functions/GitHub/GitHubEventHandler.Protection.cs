using Bot.Adapters.GitHub;
using Bot.Core.Config;
using Bot.Core.Protection;
using Bot.Core.Rollouts;

namespace Bot.Functions.GitHub;

/// <summary>GitHub custom deployment protection rules: a job targeting an environment a service's <c>github.protection</c>
/// names waits until the canary of its commit decides (<see cref="DeploymentGates"/>, <see cref="DeploymentGateMachine"/>).</summary>
public sealed partial class GitHubEventHandler
{
    /// <summary>Binds the job to the rollout of its commit (starting it when the service's trigger is
    /// <c>deployment_protection_rule</c>, else waiting for it), records the gate once per run and environment, and puts
    /// the deadline message on the queue. A repository or environment no service claims is ignored with the reason logged,
    /// and nothing is sent to GitHub.</summary>
    private async Task<WebhookOutcome> OnProtectionRuleAsync(DeploymentProtectionRuleEvent e, GitHubWork work, CancellationToken ct)
    {
        if (e.Action != "requested") return WebhookOutcome.Ignored($"deployment_protection_rule {e.Action} needs no action");
        var all = await configs.ListAsync(ct);
        var claimed = all.Where(c => SameRepo(c.GitHubRepo, e.Repository)).ToList();
        if (claimed.Count == 0 && (await ReadRepoConfigAsync(e.Repository, e.Sha, all, ct)).Item1 is { } own)
            claimed.Add(own with { GitHubRepo = own.GitHubRepo ?? e.Repository.FullName });
        var covering = claimed.Where(c => c.Protection?.Covers(e.Environment) == true).ToList();
        var why = covering.Count > 0 ? null
            : claimed.Count == 0
                ? $"no service claims {e.Repository.FullName} (no release config has github.repo: {e.Repository.FullName}, and the repository has no valid {options.Value.ConfigFile} at {Short(e.Sha)})"
                : $"no service of {e.Repository.FullName} answers the rule of environment '{e.Environment}' ("
                  + string.Join("; ", claimed.Select(c => $"{c.Service}: {(c.Protection is { } p ? "github.protection.environments is " + string.Join(", ", p.Environments) : "no github.protection")}")) + ")";
        if (why is null && !github.Credentials.IsApp)
            why = "answering deployment protection rules needs a GitHub App (GitHub:ClientId or GitHub:AppId plus GitHub:PrivateKey); only a personal token is configured";
        if (why is not null)
        {
            log.LogWarning("deployment_protection_rule {Delivery}: run {Run} of {Repo} at environment {Environment} ignored, nothing sent to GitHub: {Why}",
                e.DeliveryId, e.RunId, e.Repository, e.Environment, why);
            return WebhookOutcome.Ignored(why);
        }
        if (covering.Count > 1)
            log.LogWarning("deployment_protection_rule {Delivery}: {Services} all answer environment {Environment} of {Repo}; GitHub takes one answer per app, so {Service} answers",
                e.DeliveryId, string.Join(", ", covering.Select(c => c.Service)), e.Environment, e.Repository, covering[0].Service);

        var config = covering[0];
        var branch = e.Ref is { } r && r.StartsWith("refs/heads/", StringComparison.Ordinal) ? r["refs/heads/".Length..] : e.Ref;
        var rollout = await RolloutOfAsync(config.Service, e.Sha, ct);
        var starts = rollout is null && config.Trigger is { Kind: TriggerKind.DeploymentProtectionRule } t && (branch is null || t.Branch == branch);
        var waitingFor = starts ? "is starting its canary"
            : config.Trigger is { Kind: TriggerKind.Push or TriggerKind.WorkflowRun } trigger
                ? $"has no rollout yet; it waits for the one the {(trigger.Kind == TriggerKind.Push ? "push to " + trigger.Branch : "workflow " + trigger.Workflow)} starts"
                : "has no rollout yet; it waits for one to be started (/release deploy)";
        var gate = DeploymentGateMachine.Request(config.Service, e.Repository.FullName, e.Environment, e.RunId, e.Sha, e.Ref, e.Trigger,
            config.Protection!, time.GetUtcNow());
        var recorded = await gates.RequestAsync(gate, rollout, waitingFor, ct);
        if (recorded.IsNew && recorded.Gate is { Answer: null } open) await ScheduleGateDueAsync(work, config.Service, e.Sha, open.Deadline, ct);
        var message = recorded.Message;
        if (starts && recorded.Gate is { Answer: null })
        {
            var by = new Actor(e.Sender?.Login ?? "github", e.Sender?.Login ?? "github", "github");
            var started = await StartAsync(e.DeliveryId, e.Repository, e.Sha, branch, e.RunId, null, by, s => s.Kind == TriggerKind.DeploymentProtectionRule,
                $"job at environment {e.Environment} waits on the deployment protection rule", ct, c => c.Service == config.Service);
            message += "; " + started.Message;
            if (await RolloutOfAsync(config.Service, e.Sha, ct) is { } now) message += "; " + await gates.ObserveAsync(now, null, ct);
        }
        return WebhookOutcome.Done(message);
    }

    /// <summary>The deadline message: rejects the jobs past their deadline, and comes back for the next open one.</summary>
    private async Task<WebhookOutcome> OnGateDueAsync(GateDueWork due, GitHubWork work, CancellationToken ct)
    {
        var outcome = await gates.DueAsync(due.Service, due.Sha, ct);
        if (outcome.OpenDeadline is { } next) await ScheduleGateDueAsync(work, due.Service, due.Sha, next, ct);
        return WebhookOutcome.Done($"deployment gates of {due.Service}@{Short(due.Sha)}: {outcome.Message}");
    }

    private Task ScheduleGateDueAsync(GitHubWork work, string service, string sha, DateTimeOffset deadline, CancellationToken ct) =>
        queue.EnqueueAsync(new GitHubWork(work.Delivery) { GateDue = new GateDueWork(service, sha) },
            deadline - time.GetUtcNow() + TimeSpan.FromSeconds(1), ct);

    /// <summary>The service's rollout of <paramref name="sha"/>: the active one, else the last finished one.</summary>
    private async Task<RolloutState?> RolloutOfAsync(string service, string sha, CancellationToken ct)
    {
        var state = (await store.GetAsync(service, ct))?.Value;
        return state?.Active is { } a && DeploymentGateMachine.IsCommit(a, sha) ? a
            : state?.LastFinished is { } f && DeploymentGateMachine.IsCommit(f, sha) ? f : null;
    }

    private static string Short(string sha) => sha[..Math.Min(7, sha.Length)];
}

using Octokit;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bot.Adapters.GitHub;

/// <summary>
/// Shows a rollout on GitHub: one check run per rollout on its commit, named <c>release/&lt;service&gt;</c>
/// (in_progress with a Markdown summary and, while a human is awaited, Approve/Rollback/Pause buttons; completed with
/// success, failure or cancelled at the end), and a deployment for the service's environment with statuses
/// in_progress, success, failure and inactive. Ids are stored per rollout, so every later notice updates in place.
/// Jobs waiting on the app's deployment protection rule for the rollout's commit hear about it last
/// (<see cref="DeploymentGates"/>: status reports and the answer), so the answer links the check run.
/// Rollouts without a GitHub repository or commit are skipped.
/// </summary>
public sealed class GitHubNotifier(
    GitHubClient github, IGitHubOutputStore outputs, IRolloutChatLink chatLink, IOptions<GitHubOptions> options,
    TimeProvider time, ILogger<GitHubNotifier> log, DeploymentGates? gates = null, Pages.PageLinks? pages = null) : INotifier
{
    public async Task PublishAsync(Notify notice, CancellationToken ct)
    {
        var r = notice.Snapshot;
        var repoName = r.Source.Repository ?? r.Config.GitHubRepo;
        if (repoName is null || !RepoRef.TryParse(repoName, out var repo)) return;
        var sha = r.Source.Commit ?? (IsSha(r.Version) ? r.Version : null);
        if (sha is null)
        {
            log.LogDebug("{Rollout}: no commit, so no check run or deployment", r.Id);
            return;
        }
        var saved = await outputs.GetAsync(r.Id, ct) ?? new GitHubRolloutOutputs(r.Id);
        var link = await chatLink.GetLinkAsync(r, ct);

        if (github.Credentials.IsApp) saved = await PublishCheckRunAsync(repo, sha, r, notice.Text, link, saved, ct);
        saved = await PublishDeploymentAsync(repo, sha, r, notice.Text, saved, ct);
        // Only a rollout whose config answers protection rules can have gates: the others read no gates table.
        if (gates is not null && github.Credentials.IsApp && r.Config.Protection is not null) await gates.ObserveAsync(r, notice.Text, ct);
    }

    private async Task<GitHubRolloutOutputs> PublishCheckRunAsync(RepoRef repo, string sha, RolloutState r, string text, string? link, GitHubRolloutOutputs saved, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var output = new NewCheckRunOutput(CheckRunRenderer.Title(r), CheckRunRenderer.Summary(r, text, link, pages?.Rollout(r.Id, now)));
        var conclusion = CheckRunRenderer.Conclusion(r);
        if (saved.CheckRunId is { } id)
        {
            await github.UpdateCheckRunAsync(repo, id, new CheckRunUpdate
            {
                Status = conclusion is null ? CheckStatus.InProgress : null,
                Conclusion = Conclusion(conclusion),
                CompletedAt = conclusion is null ? null : now,
                Output = output,
                Actions = CheckRunRenderer.Actions(r),
            }, ct);
            return saved;
        }
        var run = await github.CreateCheckRunAsync(repo, new NewCheckRun(CheckRunRenderer.CheckRunName(r.Service), sha)
        {
            ExternalId = r.Id,
            DetailsUrl = link,
            Status = conclusion is null ? CheckStatus.InProgress : null,
            StartedAt = r.CreatedAt,
            Conclusion = Conclusion(conclusion),
            CompletedAt = conclusion is null ? null : now,
            Output = output,
            Actions = CheckRunRenderer.Actions(r) is { Count: > 0 } a ? a : null,
        }, ct);
        var next = saved with { CheckRunId = run.Id, CheckRunUrl = run.HtmlUrl };
        await outputs.SaveAsync(next, ct);
        return next;
    }

    private async Task<GitHubRolloutOutputs> PublishDeploymentAsync(RepoRef repo, string sha, RolloutState r, string text, GitHubRolloutOutputs saved, CancellationToken ct)
    {
        var environment = options.Value.DeploymentEnvironment.Replace("{service}", r.Service, StringComparison.Ordinal);
        if (saved.DeploymentId is null)
        {
            if (r.IsTerminal) return saved; // nothing to retire that was never shown
            var created = await github.CreateDeploymentAsync(repo, new NewDeployment(sha)
            {
                Environment = environment,
                Description = Truncate($"{r.Service} {CheckRunRenderer.Short(r.Version)} by release-bot", 140),
                ProductionEnvironment = true,
                Payload = new() { ["rolloutId"] = r.Id, ["service"] = r.Service, ["version"] = r.Version },
            }, ct);
            if (!created.Created)
            {
                // 202: GitHub merged the default branch into the ref instead. The next notice tries again.
                log.LogWarning("{Rollout}: deployment not created on {Repo}: {Message}", r.Id, repo, created.MergedMessage);
                return saved;
            }
            saved = saved with { DeploymentId = created.Deployment!.Id };
            await outputs.SaveAsync(saved, ct);
        }
        var state = CheckRunRenderer.DeploymentState(r);
        if (state == saved.LastDeploymentState) return saved;
        await github.CreateDeploymentStatusAsync(repo, saved.DeploymentId!.Value, new NewDeploymentStatus(DeploymentStateOf(state))
        {
            Description = Truncate(text, 140),
            Environment = environment,
        }, ct);
        saved = saved with { LastDeploymentState = state };
        await outputs.SaveAsync(saved, ct);
        return saved;
    }

    /// <summary>The renderer's GitHub words (<c>success</c>, <c>in_progress</c>, …) as Octokit's values, sent as written.</summary>
    private static StringEnum<CheckConclusion>? Conclusion(string? conclusion)
    {
        // Not a conditional expression: a null literal there converts through StringEnum's implicit operator from string.
        if (conclusion is null) return default(StringEnum<CheckConclusion>?);
        return new StringEnum<CheckConclusion>(conclusion);
    }

    private static Octokit.DeploymentState DeploymentStateOf(string state) =>
        Enum.Parse<Octokit.DeploymentState>(state.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    private static bool IsSha(string s) => s.Length is 40 && s.All(Uri.IsHexDigit);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}

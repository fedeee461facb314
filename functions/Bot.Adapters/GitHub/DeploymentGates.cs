using Bot.Core.Ports;
using Bot.Core.Protection;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.GitHub;

/// <summary>
/// The edge around <see cref="DeploymentGateMachine"/>: loads a commit's gates, decides, commits the gates with the calls
/// still to make (ETag), then makes them (<see cref="GitHubClient.ReviewDeploymentProtectionRuleAsync"/>) and clears
/// them. Driven by the webhook (<see cref="RequestAsync"/>), by the GitHub notifications target as a rollout moves
/// (<see cref="ObserveAsync"/>, so GitHub calls never sit in the traffic path), and by the deadline message
/// (<see cref="DueAsync"/>). A 422 (the run no longer waits on this app's rule: answered, cancelled or failed by GitHub)
/// ends the call as done.
/// </summary>
public sealed class DeploymentGates(GitHubClient github, IDeploymentGateStore store, IGitHubOutputStore outputs,
    IRolloutChatLink chatLink, TimeProvider time, ILogger<DeploymentGates> log)
{
    private const int Attempts = 5;

    /// <summary>Records the job GitHub asks about, once per run and environment (asked again, it changes nothing), and
    /// decides on <paramref name="rollout"/> (the rollout of its commit) or, without one, reports that it waits.</summary>
    public async Task<GateRequestOutcome> RequestAsync(DeploymentGate requested, RolloutState? rollout, string waitingFor, CancellationToken ct)
    {
        var links = rollout is null ? GateLinks.None : await LinksAsync(rollout, ct);
        var isNew = false;
        var message = await UpdateAsync(requested.Service, requested.Sha, (gates, now) =>
        {
            isNew = !gates.Any(g => g.SameJob(requested.RunId, requested.Environment));
            if (!isNew) return null;
            GateInput input = rollout is null ? new GateWaiting(waitingFor) : new GateRolloutSeen(rollout, null, links);
            var d = DeploymentGateMachine.Decide(requested, input, now);
            return ([.. gates, d.Gate], [d.Outcome]);
        }, ct);
        var gate = (await store.GetAsync(requested.Service, requested.Sha, ct))?.Value.FirstOrDefault(g => g.SameJob(requested.RunId, requested.Environment));
        return new(isNew ? message : $"run {requested.RunId} at {requested.Environment} is already known: one answer per job", gate, isNew);
    }

    /// <summary>The rollout moved (a notice): every open gate of its commit decides on it.</summary>
    public async Task<string> ObserveAsync(RolloutState rollout, string? notice, CancellationToken ct)
    {
        if (Commit(rollout) is not { } sha) return "no commit";
        var known = await store.GetAsync(rollout.Service, sha, ct);
        if (known is null || known.Value.All(g => g.Answer is not null && g.Pending.Count == 0)) return "no open deployment gate";
        var links = await LinksAsync(rollout, ct);
        return await UpdateAsync(rollout.Service, sha, (gates, now) => DecideAll(gates, new GateRolloutSeen(rollout, notice, links), now), ct);
    }

    /// <summary>The deadline message: rejects the jobs whose deadline has passed; says when the next one is due.</summary>
    public async Task<GateOutcome> DueAsync(string service, string sha, CancellationToken ct)
    {
        var message = await UpdateAsync(service, sha, (gates, now) => DecideAll(gates, new GateDue(), now), ct);
        var open = (await store.GetAsync(service, sha, ct))?.Value.Where(g => g.Answer is null).Select(g => (DateTimeOffset?)g.Deadline).Min();
        return new(message, open);
    }

    private static (IReadOnlyList<DeploymentGate>, IReadOnlyList<string>)? DecideAll(IReadOnlyList<DeploymentGate> gates, GateInput input, DateTimeOffset now)
    {
        var decisions = gates.Select(g => DeploymentGateMachine.Decide(g, input, now)).ToList();
        if (decisions.Select(d => d.Gate).SequenceEqual(gates)) return null;
        return (decisions.Select(d => d.Gate).ToList(), decisions.Select(d => d.Outcome).ToList());
    }

    private async Task<string> UpdateAsync(string service, string sha,
        Func<IReadOnlyList<DeploymentGate>, DateTimeOffset, (IReadOnlyList<DeploymentGate> Gates, IReadOnlyList<string> Outcomes)?> decide, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(service, sha, ct);
            var decided = decide(current?.Value ?? [], time.GetUtcNow());
            if (decided is not { } d)
            {
                if (current?.Value.Any(g => g.Pending.Count > 0) == true) await ApplyAsync(service, sha, ct);
                return "nothing new for the deployment gates";
            }
            try
            {
                await store.SaveAsync(service, sha, d.Gates, current?.ETag, ct);
            }
            catch (ConcurrencyConflictException) when (attempt < Attempts)
            {
                continue;
            }
            await ApplyAsync(service, sha, ct);
            return string.Join("; ", d.Outcomes);
        }
    }

    /// <summary>Makes the committed calls, then removes them from the stored gates.</summary>
    private async Task ApplyAsync(string service, string sha, CancellationToken ct)
    {
        var current = await store.GetAsync(service, sha, ct);
        if (current is null) return;
        var applied = new List<(long RunId, string Environment, GateEffect Effect)>();
        foreach (var gate in current.Value)
            foreach (var effect in gate.Pending)
            {
                await SendAsync(gate, effect, ct);
                applied.Add((gate.RunId, gate.Environment, effect));
            }
        if (applied.Count == 0) return;
        for (var attempt = 1; ; attempt++)
        {
            var cleared = current!.Value.Select(g => g with
            {
                Pending = g.Pending.Where(e => !applied.Contains((g.RunId, g.Environment, e))).ToList(),
            }).ToList();
            try
            {
                await store.SaveAsync(service, sha, cleared, current.ETag, ct);
                return;
            }
            catch (ConcurrencyConflictException) when (attempt < Attempts)
            {
                current = await store.GetAsync(service, sha, ct);
                if (current is null) return;
            }
        }
    }

    private async Task SendAsync(DeploymentGate gate, GateEffect effect, CancellationToken ct)
    {
        if (!RepoRef.TryParse(gate.Repository, out var repo)) return;
        var state = effect.Kind switch { GateEffectKind.Approve => "approved", GateEffectKind.Reject => "rejected", _ => null };
        try
        {
            await github.ReviewDeploymentProtectionRuleAsync(repo, gate.RunId, new ReviewProtectionRuleRequest(gate.Environment, effect.Comment) { State = state }, ct);
            log.LogInformation("{Repo} run {Run} at {Environment}: {What} posted", repo, gate.RunId, gate.Environment, state ?? "status report");
        }
        catch (GitHubApiException e) when (e.IsValidationFailed)
        {
            // The job no longer waits on this app's rule (answered before, cancelled, or failed by GitHub after 30 days).
            log.LogWarning("{Repo} run {Run} at {Environment}: {What} refused by GitHub (422, {Error}); the job no longer waits on this rule, taken as done",
                repo, gate.RunId, gate.Environment, state ?? "status report", e.Message);
        }
    }

    private async Task<GateLinks> LinksAsync(RolloutState rollout, CancellationToken ct) =>
        new(await chatLink.GetLinkAsync(rollout, ct), (await outputs.GetAsync(rollout.Id, ct))?.CheckRunUrl);

    private static string? Commit(RolloutState r) => r.Source.Commit ?? (r.Version.Length == 40 && r.Version.All(Uri.IsHexDigit) ? r.Version : null);
}

using Bot.Adapters.GitHub;
using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Releases;

namespace Bot.Functions.GitHub;

/// <summary>
/// Binds a PR comment's <c>/release</c> commands when <c>POST /api/github</c> accepts the delivery, before it is run or queued:
/// each service a rollout command names (or the repository's one central service, for lines that name none) is read once
/// and its active rollout's id, revision and step travel in the <see cref="GitHubWork"/>. The work, however often it is
/// retried, then acts on those rollouts or does nothing. A service the endpoint cannot know (one configured only in the
/// PR head's <c>.releasebot.yaml</c>, which needs GitHub calls) is bound by <see cref="GitHubWork.AcceptedAt"/> instead.
/// </summary>
public static class GitHubCommandIntake
{
    /// <summary>Services read per comment at most; further ones are bound by time.</summary>
    public const int MaxReads = 5;

    /// <summary><paramref name="work"/> (stamped with <see cref="GitHubWork.AcceptedAt"/>) with, for a PR comment with rollout commands, their bindings.
    /// Throws when the configs or the state cannot be read (the endpoint then answers 503, and GitHub can redeliver).</summary>
    public static async Task<GitHubWork> BindAsync(GitHubWork work, IReleaseConfigs configs, IRolloutStore store, CancellationToken ct)
    {
        if (work.Delivery is not IssueCommentEvent { Action: "created", IsPullRequest: true } comment) return work;
        var lines = GitHubEventHandler.CommandLines(comment.Body);
        if (lines.Count == 0) return work;

        var all = await configs.ListAsync(ct);
        var own = all.Where(c => GitHubEventHandler.SameRepo(c.GitHubRepo, comment.Repository)).Select(c => c.Service).ToList();
        var parse = new CommandParseOptions { KnownServices = all.Select(c => c.Service).ToList(), DefaultService = own.Count == 1 ? own[0] : null };
        var services = lines.Select(l => CommandParser.Parse(l, parse).Command).OfType<ReleaseCommand>()
            .Select(CommandBinding.ServiceToBind).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxReads).ToList();
        var reads = await Task.WhenAll(services.Select(service => store.GetAsync(service, ct)));
        return work with
        {
            Bindings = services.Select((service, i) => CommandBinding.To(service, reads[i]?.Value.Active)).ToList(),
            Seen = reads.OfType<Versioned<ServiceState>>().ToList(),
        };
    }
}

using Bot.Adapters.Storage;
using Bot.Functions.Hosting;

namespace Bot.Functions.GitHub;

/// <summary>
/// Durable hand-off between <c>POST /api/github</c> (GitHub waits 10 s) and <see cref="GitHubWorkFunction"/>: one
/// message per accepted delivery on <c>github-work</c> (from the <c>GitHubWork</c> function in functions.metadata); failures retry and end in
/// <c>github-work-poison</c> (see <see cref="WorkQueue"/>).
/// </summary>
public sealed class GitHubWorkQueue(IQueueService queues, string queue) : WorkQueue(queues, queue)
{
    /// <summary>Puts <paramref name="work"/> on the queue. Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(GitHubWork work, CancellationToken ct) => EnqueueAsync(work.ToJson(), work, ct);

    /// <summary>Puts <paramref name="work"/> on the queue visible after <paramref name="visibleAfter"/>, at most 7 days (the
    /// queue's limit; a later due time is reached by putting the work again when it comes up early).</summary>
    public Task EnqueueAsync(GitHubWork work, TimeSpan visibleAfter, CancellationToken ct) =>
        EnqueueAsync(work.ToJson(), (TimeSpan?)(visibleAfter < TimeSpan.Zero ? TimeSpan.Zero : visibleAfter > MaxVisibility ? MaxVisibility : visibleAfter), ct);

    /// <summary>The longest a queue message can stay invisible.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);
}

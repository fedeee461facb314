using Bot.Adapters.Storage;
using Bot.Functions.Hosting;

namespace Bot.Functions.GitHub;

/// <summary>
/// Durable hand-off between <c>POST /api/github</c> (GitHub waits 10 s) and <see cref="GitHubWorkFunction"/>: one
/// message per accepted delivery on <c>github-work</c> (from <c>GitHubWork/function.json</c>); failures retry and end in
/// <c>github-work-poison</c> (see <see cref="WorkQueue"/>).
/// </summary>
public sealed class GitHubWorkQueue(IQueueService queues, string queue) : WorkQueue(queues, queue)
{
    /// <summary>Puts <paramref name="work"/> on the queue. Throws when storage does not accept it.</summary>
    public Task EnqueueAsync(GitHubWork work, CancellationToken ct) => EnqueueAsync(work.ToJson(), work, ct);
}

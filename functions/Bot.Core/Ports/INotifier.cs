using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>
/// Tells humans about a rollout (Slack live message and thread, GitHub check run and deployment). Implementations
/// create their message once per rollout, keep its id themselves, and update it in place afterwards.
/// </summary>
public interface INotifier
{
    Task PublishAsync(Notify notice, CancellationToken ct);

    /// <summary>Only the notice's own timeline entry (a chat thread reply), for a notice whose state a newer notice
    /// already shows: the notifications outbox coalesces edits (latest state wins) without losing thread posts.
    /// The default does nothing (nothing but the edit to show).</summary>
    Task PublishTimelineAsync(Notify notice, CancellationToken ct) => Task.CompletedTask;
}

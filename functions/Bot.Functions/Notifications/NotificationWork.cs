using System.Text.Json;
using Bot.Adapters.Storage;
using Bot.Core.Rollouts;
using Bot.Functions.Hosting;

namespace Bot.Functions.Notifications;

/// <summary>One notice for one target, as it travels on the <c>notifications</c> queue.</summary>
/// <param name="Target">A <see cref="NotificationTarget.Name"/>: <c>slack</c> or <c>github</c>.</param>
/// <param name="Stamp">Given by the outbox when it enqueued the notice (increasing per process; orders notices of one
/// decision, which share the snapshot's <c>UpdatedAt</c>).</param>
/// <param name="Notice">The notice as the engine decided it (snapshot, kind, text).</param>
/// <param name="Deferrals">How often a rate limit has sent it back to the queue so far.</param>
public sealed record NotificationWork(string Target, long Stamp, Notify Notice, int Deferrals = 0) : IWorkMessage<NotificationWork>
{
    private static readonly JsonSerializerOptions Json = new(StateJson.Options);

    /// <summary>Where the notice stands among the rollout's notices (see <see cref="NoticeOrder"/>).</summary>
    public NoticeOrder Order => new(Notice.Snapshot.UpdatedAt.UtcTicks, Stamp);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static NotificationWork Parse(string text)
    {
        var work = WorkMessageJson.Parse<NotificationWork>(text, Json, "notification message");
        if (string.IsNullOrWhiteSpace(work.Target) || work.Notice?.Snapshot is null)
            throw new FormatException($"not a notification message (target or notice missing): {(text.Length <= 200 ? text : text[..200] + "…")}");
        return work;
    }
}

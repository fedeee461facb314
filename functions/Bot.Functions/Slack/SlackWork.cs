using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.Adapters.Slack;
using Bot.Core.Commands;
using Bot.Functions.Hosting;

namespace Bot.Functions.Slack;

/// <summary>Work accepted by a Slack endpoint and done after the 3-second acknowledgement. Travels as JSON on the
/// <c>slack-work</c> queue (<see cref="ToJson"/>/<see cref="Parse"/>), with <c>kind</c> saying which work it is.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SlackCommandWork), "command")]
[JsonDerivedType(typeof(SlackActionWork), "action")]
[JsonDerivedType(typeof(SlackReplyWork), "reply")]
public abstract record SlackWork : IWorkMessage<SlackWork>
{
    private static readonly JsonSerializerOptions Json = WorkMessageJson.Options();

    /// <summary>When the endpoint received the request; a rollback's latency (received → cluster accepted) counts from it.
    /// Null in messages queued before it was recorded.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>The delivery id a command or click is recorded under in the state it acts on, so Slack's retry or a replay
    /// acts once; null for work that repeats nothing (a reply).</summary>
    [JsonIgnore]
    public virtual string? DeliveryId => null;

    /// <summary>The delivery the engine records this work under, kept <paramref name="keep"/> (<c>Slack:DedupTtl</c>); null
    /// for work that repeats nothing.</summary>
    public Bot.Core.Rollouts.InboundDelivery? Delivery(TimeSpan keep) => DeliveryId is { } id ? new(id, keep) : null;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SlackWork Parse(string text) => WorkMessageJson.Parse<SlackWork>(text, Json, "Slack work message");
}

/// <summary>A slash command, with the rollout it was bound to when it was accepted (<see cref="Binding"/>; null for
/// commands that act on no rollout or name theirs), so a retry acts on that rollout or does nothing.</summary>
public sealed record SlackCommandWork(SlackSlashCommand Command) : SlackWork
{
    public CommandBinding? Binding { get; init; }

    /// <summary><c>slack-command:{trigger_id}</c>.</summary>
    public override string DeliveryId => "slack-command:" + Command.TriggerId;

    /// <summary>The state read the binding was made from, kept in memory only: a prompt run in the accepting process
    /// passes it on (<see cref="CommandRequest.Seen"/>) instead of reading again; a queued message has none.</summary>
    [JsonIgnore]
    public Bot.Core.Ports.Versioned<Bot.Core.Rollouts.ServiceState>? Seen { get; init; }
}

public sealed record SlackActionWork(SlackBlockAction Action) : SlackWork
{
    /// <summary><c>slack-action:{trigger_id}|{action_ts}</c>: a replayed or retried delivery carries both again.</summary>
    public override string DeliveryId => $"slack-action:{Action.TriggerId}|{Action.ActionTs}";
}

/// <summary>The answer to a command or click that was done but whose reply failed: retried as a reply only, so the
/// command is never run again.</summary>
public sealed record SlackReplyWork(Uri ResponseUrl, string? ChannelId, string UserId, string Text) : SlackWork;

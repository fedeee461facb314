using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.Adapters.Slack;
using Bot.Functions.Hosting;

namespace Bot.Functions.Slack;

/// <summary>Work accepted by a Slack endpoint and done after the 3-second acknowledgement. Travels as JSON on the
/// <c>slack-work</c> queue (<see cref="ToJson"/>/<see cref="Parse"/>), with <c>kind</c> saying which work it is.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SlackCommandWork), "command")]
[JsonDerivedType(typeof(SlackActionWork), "action")]
public abstract record SlackWork
{
    private static readonly JsonSerializerOptions Json = WorkMessageJson.Options();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SlackWork Parse(string text) => WorkMessageJson.Parse<SlackWork>(text, Json, "Slack work message");
}

public sealed record SlackCommandWork(SlackSlashCommand Command) : SlackWork;

public sealed record SlackActionWork(SlackBlockAction Action) : SlackWork;

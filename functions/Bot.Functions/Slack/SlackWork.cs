using System.Text.Json;
using System.Text.Json.Serialization;
using Bot.Adapters.Slack;

namespace Bot.Functions.Slack;

/// <summary>Work accepted by a Slack endpoint and done after the 3-second acknowledgement. Travels as JSON on the
/// <c>slack-work</c> queue (<see cref="ToJson"/>/<see cref="Parse"/>), with <c>kind</c> saying which work it is.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SlackCommandWork), "command")]
[JsonDerivedType(typeof(SlackActionWork), "action")]
public abstract record SlackWork
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static SlackWork Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<SlackWork>(text, Json) ?? throw new FormatException("Slack work message is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new FormatException($"not a Slack work message ({e.Message}): {(text.Length <= 200 ? text : text[..200] + "…")}", e);
        }
    }
}

public sealed record SlackCommandWork(SlackSlashCommand Command) : SlackWork;

public sealed record SlackActionWork(SlackBlockAction Action) : SlackWork;

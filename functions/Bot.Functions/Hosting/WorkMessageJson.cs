using System.Text.Json;

namespace Bot.Functions.Hosting;

/// <summary>JSON of work-queue messages: web naming, and nullability and required constructor parameters enforced on
/// read, so a message missing a field fails (and is poisoned with the reason) instead of doing half the work.</summary>
public static class WorkMessageJson
{
    public static JsonSerializerOptions Options() => new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Reads a queue message; throws <see cref="FormatException"/> saying it is not a <paramref name="what"/> and why.</summary>
    public static T Parse<T>(string text, JsonSerializerOptions json, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, json) ?? throw new FormatException($"{what} is null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            throw new FormatException($"not a {what} ({e.Message}): {(text.Length <= 200 ? text : text[..200] + "…")}", e);
        }
    }
}

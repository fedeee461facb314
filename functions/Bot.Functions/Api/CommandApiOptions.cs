using System.ComponentModel.DataAnnotations;

namespace Bot.Functions.Api;

/// <summary>The command API. Section <c>CommandApi</c>.</summary>
public sealed class CommandApiOptions : IValidatableObject
{
    public const string Section = "CommandApi";

    /// <summary>What the command API's functions answer (404) while it is disabled.</summary>
    public const string Off = "the command API is off (CommandApi__Enabled=false)";

    /// <summary>Serve the command API. When true at least one key is required. The default value is true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Bearer keys (<c>CommandApi__Keys__0__Name</c>, <c>CommandApi__Keys__0__Key</c>, optional
    /// <c>CommandApi__Keys__0__Identity</c>). The name is the actor recorded in audit and checked by approval rules, so give
    /// each person or system its own key; <c>deployers</c>/<c>approvers</c> match the name or the identity.</summary>
    public List<ApiKey> Keys { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled) yield break;
        if (Keys.Count == 0)
            yield return new ValidationResult("CommandApi:Keys is empty: add CommandApi__Keys__0__Name and CommandApi__Keys__0__Key (32+ random characters), or set CommandApi__Enabled=false");
        for (var i = 0; i < Keys.Count; i++)
        {
            var k = Keys[i];
            if (string.IsNullOrWhiteSpace(k.Name)) yield return new ValidationResult($"CommandApi:Keys:{i}:Name is empty: name the key's owner (it is the audit actor)");
            // Empty is "not set", as for Ci:Identity: the sample ships the setting empty.
            if (k.Identity?.Trim() is { Length: > 0 } identity && identity.Any(char.IsWhiteSpace))
                yield return new ValidationResult($"CommandApi:Keys:{i}:Identity '{identity}' is not an identity: use a Slack user ID (U0123ABCD), a GitHub login or an @group handle, or leave it out");
            if (string.IsNullOrEmpty(k.Key) || k.Key.Length < 16) yield return new ValidationResult($"CommandApi:Keys:{i}:Key is shorter than 16 characters: use 32+ random characters, e.g. `openssl rand -hex 24`");
        }
        foreach (var dupe in Keys.GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            yield return new ValidationResult($"CommandApi:Keys: the name '{dupe.Key}' is used by {dupe.Count()} keys; names identify actors, make them unique");
    }
}

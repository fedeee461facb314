using Bot.Functions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Functions.Health;

/// <param name="Data">What the check lists (e.g. <c>orphans</c>); left out when empty.</param>
public sealed record DependencyHealth(string Status, string? Description, long DurationMs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, object>? Data = null);

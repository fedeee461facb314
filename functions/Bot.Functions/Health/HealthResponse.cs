using Bot.Functions.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bot.Functions.Health;

public sealed record HealthResponse(string Status, string Version, string Mode, IReadOnlyDictionary<string, DependencyHealth> Dependencies);

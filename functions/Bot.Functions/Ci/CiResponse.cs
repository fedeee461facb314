using Bot.Core.Commands;
using Bot.Core.Ports;
using Bot.Core.Rollouts;
using Bot.Functions.Api;
using Bot.Functions.Hosting;
using Bot.Functions.Releases;
using Microsoft.Extensions.Options;

namespace Bot.Functions.Ci;

/// <summary>The answer to a CI notification.</summary>
public sealed record CiResponse(string Message, string? RolloutId = null, bool Duplicate = false);

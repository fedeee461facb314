using Bot.Core.Config;
using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>How a restore of orphaned canary traffic ended. <see cref="Refused"/> and a failure change nothing the bot
/// records as restored.</summary>
public sealed record RestoreOutcome(bool Restored, string Message, Refusal? Refused = null);

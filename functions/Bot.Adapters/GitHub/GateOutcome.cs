using Bot.Core.Ports;
using Bot.Core.Protection;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.GitHub;

/// <summary>What a deadline check did, and the earliest deadline still open (null when every job is answered), for the
/// next deadline message.</summary>
public sealed record GateOutcome(string Message, DateTimeOffset? OpenDeadline);

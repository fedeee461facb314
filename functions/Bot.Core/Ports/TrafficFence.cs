using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>What a traffic write expects to replace: the <see cref="Sequence"/> decided by <c>RolloutMachine.Decide</c> (monotonic per
/// service, kept in <c>ServiceState.TrafficSequence</c>) and the canary weight the state believes is live. The router keeps the sequence
/// of the last applied write next to the weights on the route; a write with a lower sequence is stale and is dropped, the same
/// sequence again is idempotent.</summary>
/// <param name="Sequence">1, 2, 3, … per service; a route that never carried one (old annotation, never written) counts as 0.</param>
/// <param name="ExpectedCanary">The canary weight the deciding state believed live (drift check when the route has no record).</param>
public sealed record TrafficFence(long Sequence, int? ExpectedCanary = null);

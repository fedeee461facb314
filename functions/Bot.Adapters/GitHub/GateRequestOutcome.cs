using Bot.Core.Ports;
using Bot.Core.Protection;
using Bot.Core.Rollouts;
using Microsoft.Extensions.Logging;

namespace Bot.Adapters.GitHub;

/// <summary>What a protection-rule request did: the job's gate as stored, and whether this request created it.</summary>
public sealed record GateRequestOutcome(string Message, DeploymentGate? Gate, bool IsNew);

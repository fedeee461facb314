using Bot.Core.Config;

namespace Bot.Core.Ports;

public sealed record DeploymentReadiness(ReadinessState State, string Message);

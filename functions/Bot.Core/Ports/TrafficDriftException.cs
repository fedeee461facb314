using Bot.Core.Config;

namespace Bot.Core.Ports;

/// <summary>The live weights differ from what the bot last wrote. Nothing was overwritten.</summary>
public sealed class TrafficDriftException(string message, int expectedCanary, int liveCanary) : Exception(message)
{
    public int ExpectedCanary { get; } = expectedCanary;
    public int LiveCanary { get; } = liveCanary;
}

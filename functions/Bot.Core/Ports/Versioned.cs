using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>A stored value with the ETag to pass back when updating it.</summary>
public sealed record Versioned<T>(T Value, string ETag);

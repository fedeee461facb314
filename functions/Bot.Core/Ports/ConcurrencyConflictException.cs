using Bot.Core.Rollouts;

namespace Bot.Core.Ports;

/// <summary>Lost an optimistic-concurrency race: re-read and re-decide.</summary>
public sealed class ConcurrencyConflictException(string message) : Exception(message);

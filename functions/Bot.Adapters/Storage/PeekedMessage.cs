namespace Bot.Adapters.Storage;

/// <summary>A peeked message: no receipt, visibility unchanged.</summary>
public sealed record PeekedMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime);

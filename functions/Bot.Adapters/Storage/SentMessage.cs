namespace Bot.Adapters.Storage;

/// <summary>What Put returns.</summary>
public sealed record SentMessage(string MessageId, string PopReceipt, DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime, DateTimeOffset NextVisibleTime);

namespace Bot.Adapters.Storage;

/// <summary>A received message; <see cref="PopReceipt"/> is needed to delete or update it.</summary>
public sealed record QueueMessage(
    string MessageId, string PopReceipt, string Text, long DequeueCount,
    DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime, DateTimeOffset NextVisibleTime);

/// <summary>A peeked message: no receipt, visibility unchanged.</summary>
public sealed record PeekedMessage(string MessageId, string Text, long DequeueCount, DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime);

/// <summary>What Put returns.</summary>
public sealed record SentMessage(string MessageId, string PopReceipt, DateTimeOffset InsertionTime, DateTimeOffset ExpirationTime, DateTimeOffset NextVisibleTime);

/// <summary>What Update returns: use <see cref="PopReceipt"/> from now on.</summary>
public sealed record UpdateReceipt(string PopReceipt, DateTimeOffset NextVisibleTime);

/// <summary>
/// Azure Storage Queue operations. Message text is the payload; the client encodes it as Base64(UTF-8) on the wire,
/// as the Functions queue trigger expects, and decodes on receive. The seam the work queues, the standalone listener
/// and their tests share; failures are <see cref="StorageException"/>.
/// </summary>
public interface IQueueService
{
    Task CreateIfNotExistsAsync(string queue, CancellationToken ct);
    Task DeleteQueueAsync(string queue, CancellationToken ct);
    Task<SentMessage> SendAsync(string queue, string text, TimeSpan? visibilityDelay, TimeSpan? timeToLive, CancellationToken ct);
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken ct);
    Task<IReadOnlyList<PeekedMessage>> PeekAsync(string queue, int maxMessages, CancellationToken ct);
    Task DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken ct);
    /// <summary>Extends a lease (and optionally replaces the text). Returns the new receipt.</summary>
    Task<UpdateReceipt> UpdateMessageAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? newText, CancellationToken ct);
    Task ClearAsync(string queue, CancellationToken ct);
}

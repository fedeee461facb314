namespace Bot.Adapters.Storage;

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

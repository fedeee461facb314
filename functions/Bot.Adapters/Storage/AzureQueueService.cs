using System.Collections.Concurrent;
using System.Text;
using Azure.Storage.Queues;

namespace Bot.Adapters.Storage;

/// <summary>
/// <see cref="IQueueService"/> on the Azure.Storage.Queues SDK. Message text travels as Base64(UTF-8), as the Functions
/// queue trigger expects; this class encodes it (the client is built with <see cref="QueueMessageEncoding.None"/>) so a
/// message written without Base64 by another producer is still handed over as raw text rather than lost.
/// Failures arrive as <see cref="StorageException"/>.
/// </summary>
/// <param name="service">From <see cref="StorageClients.CreateQueueServiceClient"/>.</param>
public sealed class AzureQueueService(QueueServiceClient service) : IQueueService
{
    /// <summary>Longest visibility delay or timeout the service accepts: 7 days.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    private const int MaxMessagesPerCall = 32;

    /// <summary>What the service reads as "never expires".</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly ConcurrentDictionary<string, QueueClient> _queues = new(StringComparer.Ordinal);

    public Task CreateIfNotExistsAsync(string queue, CancellationToken ct) =>
        StorageCall.RunAsync($"create queue {queue}", () => Queue(queue).CreateIfNotExistsAsync(cancellationToken: ct), ct);

    public Task DeleteQueueAsync(string queue, CancellationToken ct) =>
        StorageCall.RunAsync($"delete queue {queue}", () => Queue(queue).DeleteAsync(ct), ct);

    /// <param name="visibilityDelay">0 to 7 days; null = visible now.</param>
    /// <param name="timeToLive">Null = the service default (7 days); <see cref="Timeout.InfiniteTimeSpan"/> = never expires.</param>
    public async Task<SentMessage> SendAsync(string queue, string text, TimeSpan? visibilityDelay, TimeSpan? timeToLive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var delay = visibilityDelay is { } d ? Seconds(d, 0, nameof(visibilityDelay)) : (TimeSpan?)null;
        var ttl = timeToLive is not { } t ? (TimeSpan?)null
            : t == Timeout.InfiniteTimeSpan ? NeverExpires : Seconds(t, 1, nameof(timeToLive), max: int.MaxValue);
        var receipt = (await StorageCall.RunAsync($"put message on {queue}",
            () => Queue(queue).SendMessageAsync(Encode(text), delay, ttl, ct), ct).ConfigureAwait(false)).Value;
        return new SentMessage(receipt.MessageId, receipt.PopReceipt, receipt.InsertionTime, receipt.ExpirationTime, receipt.TimeNextVisible);
    }

    /// <param name="maxMessages">1 to 32.</param>
    /// <param name="visibilityTimeout">How long received messages stay invisible (the lease): 1 s to 7 days.</param>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
        var lease = Seconds(visibilityTimeout, 1, nameof(visibilityTimeout));
        var messages = (await StorageCall.RunAsync($"get messages from {queue}",
            () => Queue(queue).ReceiveMessagesAsync(maxMessages, lease, ct), ct).ConfigureAwait(false)).Value;
        return messages
            .Select(m => new QueueMessage(m.MessageId, m.PopReceipt, Decode(m.MessageText), m.DequeueCount,
                m.InsertedOn ?? default, m.ExpiresOn ?? default, m.NextVisibleOn ?? default))
            .ToList();
    }

    /// <param name="maxMessages">1 to 32.</param>
    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync(string queue, int maxMessages, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
        var messages = (await StorageCall.RunAsync($"peek messages of {queue}",
            () => Queue(queue).PeekMessagesAsync(maxMessages, ct), ct).ConfigureAwait(false)).Value;
        return messages
            .Select(m => new PeekedMessage(m.MessageId, Decode(m.MessageText), m.DequeueCount, m.InsertedOn ?? default, m.ExpiresOn ?? default))
            .ToList();
    }

    public Task DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken ct) =>
        StorageCall.RunAsync($"delete message {messageId} of {queue}", () => Queue(queue).DeleteMessageAsync(messageId, popReceipt, ct), ct);

    /// <param name="visibilityTimeout">0 to 7 days from now.</param>
    public async Task<UpdateReceipt> UpdateMessageAsync(
        string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? newText, CancellationToken ct)
    {
        var visibility = Seconds(visibilityTimeout, 0, nameof(visibilityTimeout));
        // A null message sends no body, so the text stays as it is.
        var receipt = (await StorageCall.RunAsync($"update message {messageId} of {queue}",
            () => Queue(queue).UpdateMessageAsync(messageId, popReceipt, newText is null ? null : Encode(newText), visibility, ct), ct)
            .ConfigureAwait(false)).Value;
        return new UpdateReceipt(receipt.PopReceipt, receipt.NextVisibleOn);
    }

    public Task ClearAsync(string queue, CancellationToken ct) =>
        StorageCall.RunAsync($"clear {queue}", () => Queue(queue).ClearMessagesAsync(ct), ct);

    private QueueClient Queue(string name) => _queues.GetOrAdd(name, service.GetQueueClient);

    private static string Encode(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            // Written by a producer without Base64 encoding: hand over the raw text rather than lose the message.
            return base64;
        }
    }

    /// <summary>Whole seconds, rounded up (the service counts seconds), within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    private static TimeSpan Seconds(TimeSpan value, int min, string name, int max = 604800)
    {
        var seconds = Math.Ceiling(value.TotalSeconds);
        if (seconds < min || seconds > max)
            throw new ArgumentOutOfRangeException(name, value, $"must be between {min} s and {max} s");
        return TimeSpan.FromSeconds(seconds);
    }
}

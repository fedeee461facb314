using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using Polly;

namespace Bot.Adapters.Storage;

/// <summary>
/// Azure Storage Queue REST client (protocols.md §2) over a plain <see cref="HttpClient"/>: SharedKey signing per
/// attempt, retries through <see cref="StorageResilience"/>, message text as Base64(UTF-8) like the Functions host.
/// </summary>
/// <param name="http">Any HttpClient (no base address needed); share one per process.</param>
/// <param name="account">From <see cref="StorageConnectionString.Parse"/>.</param>
/// <param name="pipeline">Defaults to <see cref="StorageResilience.CreatePipeline"/> with default options.</param>
/// <param name="time">Clock for <c>x-ms-date</c>. Defaults to <see cref="TimeProvider.System"/>.</param>
public sealed class AzureQueueService(
    HttpClient http, StorageConnectionString account, ResiliencePipeline<HttpResponseMessage>? pipeline = null, TimeProvider? time = null)
    : IQueueService
{
    /// <summary>Longest visibility delay or timeout the service accepts: 7 days.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    private const int MaxMessagesPerCall = 32;

    private readonly StorageSender _sender = new(http, account, SharedKeySigner.SignQueueRequest,
        pipeline ?? StorageResilience.CreatePipeline(time: time), time ?? TimeProvider.System);

    public async Task CreateIfNotExistsAsync(string queue, CancellationToken ct)
    {
        try
        {
            using var _ = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Put, QueueUri(queue)), ct).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.ErrorCode == "QueueAlreadyExists")
        {
            // Exists with other metadata: still exists.
        }
    }

    public async Task DeleteQueueAsync(string queue, CancellationToken ct)
    {
        using var _ = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, QueueUri(queue)), ct).ConfigureAwait(false);
    }

    /// <param name="visibilityDelay">0 to 7 days; null = visible now.</param>
    /// <param name="timeToLive">Null = the service default (7 days); <see cref="Timeout.InfiniteTimeSpan"/> = never expires.</param>
    public async Task<SentMessage> SendAsync(string queue, string text, TimeSpan? visibilityDelay, TimeSpan? timeToLive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        var query = new List<string>();
        if (visibilityDelay is { } delay) query.Add("visibilitytimeout=" + Seconds(delay, 0, nameof(visibilityDelay)));
        if (timeToLive is { } ttl)
            query.Add("messagettl=" + (ttl == Timeout.InfiniteTimeSpan ? "-1" : Seconds(ttl, 1, nameof(timeToLive), max: int.MaxValue)));
        var uri = MessagesUri(queue, query);
        var body = MessageBody(text);

        using var response = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, uri) { Content = Xml(body) }, ct)
            .ConfigureAwait(false);
        var message = (await ReadMessagesAsync(response, ct).ConfigureAwait(false)).Single();
        return new SentMessage(Text(message, "MessageId"), Text(message, "PopReceipt"), Date(message, "InsertionTime"),
            Date(message, "ExpirationTime"), Date(message, "TimeNextVisible"));
    }

    /// <param name="maxMessages">1 to 32.</param>
    /// <param name="visibilityTimeout">How long received messages stay invisible (the lease): 1 s to 7 days.</param>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
        var uri = MessagesUri(queue, [$"numofmessages={maxMessages}", "visibilitytimeout=" + Seconds(visibilityTimeout, 1, nameof(visibilityTimeout))]);
        using var response = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), ct).ConfigureAwait(false);
        return (await ReadMessagesAsync(response, ct).ConfigureAwait(false))
            .Select(m => new QueueMessage(Text(m, "MessageId"), Text(m, "PopReceipt"), Decode(Text(m, "MessageText")),
                long.Parse(Text(m, "DequeueCount"), CultureInfo.InvariantCulture), Date(m, "InsertionTime"), Date(m, "ExpirationTime"),
                Date(m, "TimeNextVisible")))
            .ToList();
    }

    /// <param name="maxMessages">1 to 32.</param>
    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync(string queue, int maxMessages, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessages, MaxMessagesPerCall);
        var uri = MessagesUri(queue, ["peekonly=true", $"numofmessages={maxMessages}"]);
        using var response = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), ct).ConfigureAwait(false);
        return (await ReadMessagesAsync(response, ct).ConfigureAwait(false))
            .Select(m => new PeekedMessage(Text(m, "MessageId"), Decode(Text(m, "MessageText")),
                long.Parse(Text(m, "DequeueCount"), CultureInfo.InvariantCulture), Date(m, "InsertionTime"), Date(m, "ExpirationTime")))
            .ToList();
    }

    public async Task DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken ct)
    {
        var uri = MessageUri(queue, messageId, [$"popreceipt={Uri.EscapeDataString(popReceipt)}"]);
        using var _ = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri), ct).ConfigureAwait(false);
    }

    /// <param name="visibilityTimeout">0 to 7 days from now.</param>
    public async Task<UpdateReceipt> UpdateMessageAsync(
        string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? newText, CancellationToken ct)
    {
        var uri = MessageUri(queue, messageId,
            [$"popreceipt={Uri.EscapeDataString(popReceipt)}", "visibilitytimeout=" + Seconds(visibilityTimeout, 0, nameof(visibilityTimeout))]);
        var body = newText is null ? null : MessageBody(newText);
        using var response = await _sender.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, uri) { Content = body is null ? null : Xml(body) }, ct).ConfigureAwait(false);
        var receipt = Header(response, "x-ms-popreceipt");
        var next = DateTimeOffset.Parse(Header(response, "x-ms-time-next-visible"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return new UpdateReceipt(receipt, next);
    }

    public async Task ClearAsync(string queue, CancellationToken ct)
    {
        using var _ = await _sender.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, MessagesUri(queue, [])), ct).ConfigureAwait(false);
    }

    private Uri QueueUri(string queue) => new($"{account.QueueEndpoint}/{Uri.EscapeDataString(queue)}");

    private Uri MessagesUri(string queue, IReadOnlyList<string> query) =>
        new($"{QueueUri(queue)}/messages" + (query.Count > 0 ? "?" + string.Join("&", query) : ""));

    private Uri MessageUri(string queue, string messageId, IReadOnlyList<string> query) =>
        new($"{QueueUri(queue)}/messages/{Uri.EscapeDataString(messageId)}?" + string.Join("&", query));

    private static string MessageBody(string text) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessage><MessageText>" +
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "</MessageText></QueueMessage>";

    private static StringContent Xml(string body) => new(body, Encoding.UTF8, "application/xml");

    private static string Seconds(TimeSpan value, int min, string name, int max = 604800)
    {
        var seconds = Math.Ceiling(value.TotalSeconds);
        if (seconds < min || seconds > max)
            throw new ArgumentOutOfRangeException(name, value, $"must be between {min} s and {max} s");
        return ((long)seconds).ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<List<XElement>> ReadMessagesAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var xml = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(xml)) return [];
        return XDocument.Parse(xml).Root?.Elements("QueueMessage").ToList() ?? [];
    }

    private static string Text(XElement message, string name) =>
        message.Element(name)?.Value ?? throw new InvalidDataException($"queue response lacks <{name}>");

    private static DateTimeOffset Date(XElement message, string name) =>
        DateTimeOffset.Parse(Text(message, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

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

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.First() : throw new InvalidDataException($"queue response lacks {name}");
}
